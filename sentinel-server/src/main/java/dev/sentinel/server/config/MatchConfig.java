package dev.sentinel.server.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A route's {@code matches { }}. Conditions of one kind are alternatives (any may hold); conditions of
 * different kinds must all hold. An empty list places no condition of that kind.
 *
 * @param hosts exact names, {@code *.suffix} wildcards, or regexes written {@code ~regex}
 * @param methods upper-case method names
 */
public record MatchConfig(
        List<String> paths,
        List<String> pathPrefixes,
        List<Pattern> pathRegexes,
        List<String> hosts,
        List<HeaderMatch> headers,
        List<String> methods,
        List<QueryParamMatch> queryParams) {

    public MatchConfig {
        paths = List.copyOf(paths);
        pathPrefixes = List.copyOf(pathPrefixes);
        pathRegexes = List.copyOf(pathRegexes);
        hosts = List.copyOf(hosts);
        headers = List.copyOf(headers);
        methods = List.copyOf(methods);
        queryParams = List.copyOf(queryParams);
    }

    /** Header {@code name} present, and equal to {@code value} unless it is {@code null}. */
    public record HeaderMatch(String name, String value) {}

    /** Query parameter {@code name} present, and equal to {@code value} unless it is {@code null}. */
    public record QueryParamMatch(String name, String value) {}
}
