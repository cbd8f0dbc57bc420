package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An outage of Redis is a 503 whatever shape its exception takes (P5: no 5xx but 503). */
class BackingServiceOutagesTest {

    @Test
    void everyKindOfRedisFailureIsAnswered503WithRetryAfter() {
        var advice = new BackingServiceOutages();
        List<Exception> failures = List.of(
                new RedisSystemException("Connection reset", new RedisException("Connection reset by peer")),
                new ClusterStateFailureException("CLUSTERDOWN The cluster is down"),
                new TooManyClusterRedirectionsException("redirected 5 times"),
                new RedisCommandTimeoutException("Command timed out"));

        for (Exception failure : failures) {
            var answer = advice.unavailable(failure);
            assertThat(answer.getStatusCode().value()).as(failure.toString()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(answer.getBody().getProperties()).containsEntry("code", "UNAVAILABLE");
        }
    }

    @RestController
    static class FailingController {

        @GetMapping("/redis-away")
        String redisAway() {
            throw new RedisSystemException("Connection reset", new RedisException("Connection reset by peer"));
        }
    }

    @Test
    void itIsAskedBeforeTheAdviceThatAnswersAnyOtherException() throws Exception {
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new FailingController())
                .setControllerAdvice(new ProblemDetailsAdvice(), new BackingServiceOutages())
                .build();

        var answer = mvc.perform(get("/redis-away")).andReturn().getResponse();

        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeader("Retry-After")).isEqualTo("1");
    }
}
