package dev.sentinel.server.forward;

import dev.sentinel.spi.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;

/** The load balancer's read-only view of a servlet request. */
record ServletRequestInfo(HttpServletRequest request, String routeId) implements RequestInfo {
    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String clientAddress() {
        return request.getRemoteAddr();
    }
}
