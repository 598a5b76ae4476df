/**
 * A KDL v2 document parser.
 *
 * <p>{@link dev.sentinel.server.config.kdl.KdlParser#parse KdlParser.parse} turns a document into
 * {@link dev.sentinel.server.config.kdl.KdlNode} trees whose nodes and values carry their
 * {@link dev.sentinel.server.config.kdl.KdlLocation}, so that configuration errors found later can
 * still point at the exact line and column. Malformed documents are refused with a
 * {@link dev.sentinel.server.config.kdl.KdlSyntaxException}.
 */
package dev.sentinel.server.config.kdl;
