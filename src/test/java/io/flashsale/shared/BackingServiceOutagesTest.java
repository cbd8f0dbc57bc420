package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;

/** An outage of Redis is a 503 whatever shape its exception takes (P5: no 5xx but 503). */
class ProblemDetailsAdviceTest {

    @Test
    void everyKindOfRedisFailureIsAnswered503WithRetryAfter() {
        var advice = new ProblemDetailsAdvice();
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
}
