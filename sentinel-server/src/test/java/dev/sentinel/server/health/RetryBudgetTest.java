package dev.sentinel.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Retries are capped at a share of requests over ten seconds, with a floor for quiet routes. */
class RetryBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void retriesAreCappedAtTheShareOfRequests() {
        RetryBudget budget = new RetryBudget(20, 0);
        for (int i = 0; i < 100; i++) {
            budget.onRequest(SECOND);
        }
        assertEquals(20, retries(budget, 100, SECOND));
    }

    @Test
    void theFloorLetsAQuietRouteRetry() {
        RetryBudget budget = new RetryBudget(20, 1);
        assertEquals(10, retries(budget, 50, SECOND), "1 per second over a 10 s window");
    }

    @Test
    void theWindowSlides() {
        RetryBudget budget = new RetryBudget(50, 0);
        for (int i = 0; i < 10; i++) {
            budget.onRequest(SECOND);
        }
        assertEquals(5, retries(budget, 10, SECOND));
        assertEquals(0, retries(budget, 10, 5 * SECOND), "still inside the window");
        assertEquals(0, retries(budget, 10, 11 * SECOND), "the requests left the window with the retries");
        budget.onRequest(12 * SECOND);
        budget.onRequest(12 * SECOND);
        assertEquals(1, retries(budget, 10, 12 * SECOND));
    }

    private static int retries(RetryBudget budget, int wanted, long now) {
        int allowed = 0;
        for (int i = 0; i < wanted; i++) {
            if (budget.tryRetry(now)) {
                allowed++;
            }
        }
        return allowed;
    }
}
