/** The one place error responses are written (a JSON body with status, reason and trace id), and failures told apart. */
package dev.sentinel.server.error;
