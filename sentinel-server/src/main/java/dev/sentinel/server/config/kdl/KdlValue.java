package dev.sentinel.server.config.kdl;

import java.math.BigDecimal;

/** A KDL value. type() is the (type) annotation or null. */
public sealed interface KdlValue
        permits KdlValue.Str, KdlValue.Num, KdlValue.Keyword, KdlValue.Bool, KdlValue.Null {

    String type();

    KdlLocation location();

    /** A string, whichever way it was written: identifier, quoted, raw or multi-line. */
    record Str(String value, String type, KdlLocation location) implements KdlValue {}

    /** integer == true when written with no '.', no exponent (incl. 0x/0o/0b literals). */
    record Num(BigDecimal value, boolean integer, String type, KdlLocation location) implements KdlValue {}

    /** #inf, #-inf, #nan: name is "inf", "-inf" or "nan". */
    record Keyword(String name, String type, KdlLocation location) implements KdlValue {}

    /** #true or #false. */
    record Bool(boolean value, String type, KdlLocation location) implements KdlValue {}

    /** #null. */
    record Null(String type, KdlLocation location) implements KdlValue {}
}
