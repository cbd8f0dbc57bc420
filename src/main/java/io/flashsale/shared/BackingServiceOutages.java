package io.flashsale.shared;

import io.lettuce.core.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.ClusterRedirectException;
import org.springframework.data.redis.ClusterStateFailureException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.TooManyClusterRedirectionsException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Redis, RabbitMQ or PostgreSQL out of reach: a 503 {@code UNAVAILABLE} with {@code Retry-After: 1},
 * as problem details; the client may retry later. Redis errors that Spring Data Redis does not
 * classify further (a connection reset mid-command, CLUSTERDOWN while a cluster fails over, a
 * redirect loop) are outages of the same kind.
 * <p>
 * Asked before {@link ProblemDetailsAdvice}: Spring MVC takes the first advice that has a handler
 * for the exception, and that one's handler of any {@code Exception} would answer 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class BackingServiceOutages {

    /** The answer was ProblemDetailsAdvice's; its log line keeps that logger. */
    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler({
        RedisConnectionFailureException.class,
        QueryTimeoutException.class,
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        AmqpException.class,
        RedisSystemException.class,
        ClusterStateFailureException.class,
        ClusterRedirectException.class,
        TooManyClusterRedirectionsException.class,
        RedisException.class
    })
    ResponseEntity<ProblemDetail> unavailable(Exception e) {
        log.warn("Answering 503: {}", e.toString());
        var response =
                ProblemDetailsAdvice.problem(ErrorCode.UNAVAILABLE, "A backing service is unavailable, retry later");
        return ResponseEntity.status(response.getStatusCode())
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(response.getBody());
    }
}
