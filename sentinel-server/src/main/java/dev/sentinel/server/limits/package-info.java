/** Request-size limits enforced before and while a request is forwarded. */
package dev.sentinel.server.limits;
