/** Request limits and framing checks, enforced before and while a request is forwarded. */
package dev.sentinel.server.limits;
