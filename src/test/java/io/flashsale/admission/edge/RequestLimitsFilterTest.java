package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/** The media type and body size rules of the edge, without Spring or a server. */
class RequestLimitsFilterTest {

    final RequestLimitsFilter filter = new RequestLimitsFilter(
            new HttpLimits(DataSize.ofBytes(10), true, DataSize.ofKilobytes(160), DataSize.ofMegabytes(192)));

    @Test
    void contentTypesThatAreOneConcreteTypeOtherThanAFormPass() {
        assertThat(MediaTypeRules.isAcceptable(null)).isTrue();
        assertThat(MediaTypeRules.isAcceptable("application/json")).isTrue();
        assertThat(MediaTypeRules.isAcceptable("application/json; charset=UTF-8"))
                .isTrue();
        assertThat(MediaTypeRules.isAcceptable("text/plain")).isTrue();
        for (String refused : List.of(
                "*/*",
                "application/*",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "not a type",
                "application/")) {
            assertThat(MediaTypeRules.isAcceptable(refused)).as(refused).isFalse();
        }
    }

    @Test
    void acceptMustBeAListOfMediaTypes() {
        assertThat(MediaTypeRules.isParsable(null)).isTrue();
        assertThat(MediaTypeRules.isParsable(Collections.emptyEnumeration())).isTrue();
        assertThat(MediaTypeRules.isParsable(Collections.enumeration(List.of("application/json, */*;q=0.5"))))
                .isTrue();
        assertThat(MediaTypeRules.isParsable(Collections.enumeration(List.of("json"))))
                .isFalse();
    }

    @Test
    void aFormIs415AndABadAcceptIs406() throws Exception {
        var form = request("application/x-www-form-urlencoded", "a=1");
        assertThat(run(form).response().getStatus()).isEqualTo(415);

        var badAccept = request("application/json", "{}");
        badAccept.addHeader("Accept", "json");
        assertThat(run(badAccept).response().getStatus()).isEqualTo(406);
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413AndClosesTheConnection() throws Exception {
        var outcome = run(request("application/json", "{\"a\":\"12345\"}"));
        assertThat(outcome.passed()).isNull();
        assertThat(outcome.response().getStatus()).isEqualTo(413);
        assertThat(outcome.response().getHeader("Connection")).isEqualTo("close");
        assertThat(outcome.response().getContentAsString()).contains("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aChunkedBodyIsMeasuredByReadingAtMostOneByteMoreThanTheLimit() throws Exception {
        var tooLarge = chunked("{\"a\":\"12345\"}");
        assertThat(run(tooLarge).response().getStatus()).isEqualTo(413);

        var small = chunked("{\"a\":1}");
        var outcome = run(small);
        assertThat(outcome.passed()).as("passed on, with the body read ahead").isNotNull();
        assertThat(outcome.passed().getContentLengthLong()).isEqualTo(7);
        assertThat(new String(outcome.passed().getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void aBodyWithinTheLimitPassesUntouched() throws Exception {
        var request = request("application/json", "{\"a\":1}");
        assertThat(run(request).passed()).isSameAs(request);
    }

    record Outcome(MockHttpServletResponse response, HttpServletRequest passed) {}

    Outcome run(MockHttpServletRequest request) throws Exception {
        var response = new MockHttpServletResponse();
        var chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(response, (HttpServletRequest) chain.getRequest());
    }

    static MockHttpServletRequest request(String contentType, String body) {
        var request = new MockHttpServletRequest("POST", "/api/v1/orders");
        request.setContentType(contentType);
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    /** A body without Content-Length, as a chunked request arrives. */
    static MockHttpServletRequest chunked(String body) {
        var request = new MockHttpServletRequest("POST", "/api/v1/orders") {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setContentType("application/json");
        request.addHeader("Transfer-Encoding", "chunked");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
