package dev.sentinel.server.routing;

import dev.sentinel.server.config.MatchConfig;
import java.util.Comparator;

/**
 * How specific a route's conditions are, to break priority ties: exact path, then regex, then longer
 * prefix, then host, header, query parameter and method.
 */
record Specificity(boolean exactPath, boolean regex, int longestPrefix, boolean host, boolean header, boolean query,
                   boolean method) {

    /** Most specific first. */
    static final Comparator<Specificity> MOST_SPECIFIC_FIRST = Comparator
            .comparing(Specificity::exactPath)
            .thenComparing(Specificity::regex)
            .thenComparingInt(Specificity::longestPrefix)
            .thenComparing(Specificity::host)
            .thenComparing(Specificity::header)
            .thenComparing(Specificity::query)
            .thenComparing(Specificity::method)
            .reversed();

    static Specificity of(MatchConfig match) {
        int longestPrefix = match.pathPrefixes().stream().mapToInt(String::length).max().orElse(0);
        return new Specificity(!match.paths().isEmpty(), !match.pathRegexes().isEmpty(), longestPrefix,
                !match.hosts().isEmpty(), !match.headers().isEmpty(), !match.queryParams().isEmpty(),
                !match.methods().isEmpty());
    }
}
