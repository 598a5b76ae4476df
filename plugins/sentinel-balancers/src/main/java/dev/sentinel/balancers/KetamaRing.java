package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A ketama hash ring: each target owns points on a 32-bit circle, and a key belongs to the first point at
 * or after its own hash, wrapping around. The points of a target depend only on its address, so when a
 * target joins or leaves, only the keys next to its points move (about 1/N of them), and the rest stay
 * where they were.
 *
 * <p>As in libketama, each MD5 digest of {@code "host:port-i"} gives four points, and the circle holds
 * about {@code pointsPerTarget × N} points in all, shared in proportion to weight. Keys are hashed with MD5
 * too. Immutable once built; lookups are a binary search.
 */
final class KetamaRing {
    private final long[] points;
    private final Target[] owners;

    KetamaRing(List<Target> targets, int pointsPerTarget) {
        long totalWeight = targets.stream().mapToLong(Target::weight).sum();
        long budget = (long) pointsPerTarget * targets.size();
        Point[] all = new Point[(int) (budget + 4L * targets.size())];
        int count = 0;
        for (Target target : targets) {
            long share = Math.max(1, Math.round((double) budget * target.weight() / totalWeight));
            String address = target.address();
            for (int digestIndex = 0; digestIndex * 4L < share; digestIndex++) {
                byte[] digest = Hashing.md5(address + "-" + digestIndex);
                for (int part = 0; part < 4 && digestIndex * 4L + part < share; part++) {
                    all[count++] = new Point(Hashing.unsigned32(digest, part * 4), target);
                }
            }
        }
        Point[] used = Arrays.copyOf(all, count);
        // Ties between two targets' points are broken by address, so every process builds the same ring.
        Arrays.sort(used, Comparator.comparingLong(Point::hash).thenComparing(p -> p.owner().address()));
        points = new long[count];
        owners = new Target[count];
        for (int i = 0; i < count; i++) {
            points[i] = used[i].hash();
            owners[i] = used[i].owner();
        }
    }

    /** The target that owns {@code key}. */
    Target owner(String key) {
        return ownerOf(Hashing.unsigned32(Hashing.md5(key), 0));
    }

    Target ownerOf(long hash) {
        int found = Arrays.binarySearch(points, hash);
        int index = found >= 0 ? firstAt(found) : -found - 1;
        return owners[index == points.length ? 0 : index];
    }

    /** binarySearch may land on any of several equal points; the first one owns the hash. */
    private int firstAt(int index) {
        while (index > 0 && points[index - 1] == points[index]) {
            index--;
        }
        return index;
    }

    private record Point(long hash, Target owner) {
    }
}
