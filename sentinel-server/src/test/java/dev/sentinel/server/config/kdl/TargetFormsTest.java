package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every target form Zentinel reads binds to the same targets; anything else inside a target is an error. */
class TargetFormsTest {
    private static final String MINIMAL = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:8080" } }
            """;

    @Test
    void everyFormGivesTheSameTargets() throws Exception {
        SentinelConfig config = ConfigLoader.parse(MINIMAL + """
                upstreams {
                    upstream "argument" { target "10.0.0.1:81"; target "10.0.0.2:82" weight=2 }
                    upstream "properties" { target address="10.0.0.1:81"; target address="10.0.0.2:82" weight=2 }
                    upstream "children" { target { address "10.0.0.1:81"; }; target { address "10.0.0.2:82"; weight 2; } }
                    upstream "wrapped" { targets { target "10.0.0.1:81"; target { address "10.0.0.2:82"; weight 2; } } }
                    upstream "shorthand" { address "10.0.0.1:81" }
                }
                """, "t.kdl");
        List<Target> two = List.of(new Target("10.0.0.1", 81, 1), new Target("10.0.0.2", 82, 2));
        for (String id : List.of("argument", "properties", "children", "wrapped")) {
            assertEquals(two, config.upstreams().get(id).targets(), id);
        }
        assertEquals(List.of(new Target("10.0.0.1", 81, 1)), config.upstreams().get("shorthand").targets());
    }

    @Test
    void whatZentinelWouldSilentlyDropIsRefusedWithItsLocation() {
        assertEquals(List.of(
                        "t.kdl:4:48: unknown key 'wieght' in target; accepted keys: address, weight",
                        "t.kdl:5:50: unknown property 'max' on 'target'; accepted: address, weight",
                        "t.kdl:6:39: the target gives its address twice",
                        "t.kdl:7:1: upstream \"e\" needs at least one target, e.g. target \"127.0.0.1:8081\"",
                        "t.kdl:8:38: 'address' on upstream \"f\" is the one-target shorthand; with 'target' nodes, list "
                                + "this address as a target too"),
                errors("""
                        upstreams {
                        upstream "a" { target { address "10.0.0.1:81"; wieght 2; } }
                        upstream "b" { target "10.0.0.1:81" weight=2 max=3 }
                        upstream "c" { target "10.0.0.1:81" { address "10.0.0.2:82"; } }
                        upstream "e" { targets { } }
                        upstream "f" { target "10.0.0.1:81"; address "10.0.0.2:82" }
                        }
                        """));
    }

    private static List<String> errors(String upstreams) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL + upstreams, "t.kdl"));
        return e.errors().stream().map(error -> error.location() + ": " + error.message()).toList();
    }
}
