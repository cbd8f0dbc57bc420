package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.RawHttp;
import io.flashsale.support.SaleFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What every client can rely on: the published contract, problem details, limits and headers. */
@FlashSaleIntegrationTest
class HttpContractTest {

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void theOpenApiDocumentDescribesTheApiAndSwaggerUiIsServed() throws IOException, InterruptedException {
        Response document = client.get("/v3/api-docs");
        var ui = HttpClient.newHttpClient()
                .send(request("/swagger-ui/index.html").GET().build(), BodyHandlers.ofString());

        assertThat(document.status()).isEqualTo(200);
        assertThat(document.body().path("paths").has("/api/v1/orders")).isTrue();
        assertThat(document.body().path("paths").has("/api/v1/orders/{orderId}"))
                .isTrue();
        assertThat(document.body().path("paths").has("/api/v1/admin/sales")).isTrue();
        assertThat(document.body().path("paths").has("/flashsale/precheck")).isTrue();
        assertThat(document.body().path("paths").has("/api/v1/sales")).isTrue();
        assertThat(document.body().path("paths").has("/api/v1/time")).isTrue();
        assertThat(document.body().path("paths").has("/api/v1/orders/{orderId}/events"))
                .isTrue();
        assertThat(document.body().path("paths").has("/api/v1/items/{itemId}/events"))
                .isTrue();
        assertThat(document.body().path("paths").has("/api/v1/sales/{saleId}/events"))
                .isTrue();
        assertThat(document.body().path("components").path("securitySchemes").has("adminToken"))
                .isTrue();
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }

    @Test
    void everyAnswerCarriesTheStandardSecurityHeaders() {
        for (Response response : new Response[] {
            client.get("/api/v1/sales/1"), client.get("/api/v1/nothing-here"), client.post("/api/v1/admin/sales", "{}")
        }) {
            assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(response.headers().firstValue("Content-Security-Policy"))
                    .contains("default-src 'none'; frame-ancestors 'none'");
            assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(response.headers().firstValue("Cache-Control"))
                    .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
        }
    }

    @Test
    void theBuyersPagesMayRunOnlyTheirOwnScriptsAndStylesAndTalkOnlyToThisOrigin()
            throws IOException, InterruptedException {
        var http = HttpClient.newHttpClient();
        var home = http.send(request("/").GET().build(), BodyHandlers.ofString());
        var sale = http.send(request("/sales/42").GET().build(), BodyHandlers.ofString());
        var script = http.send(request("/assets/sale.js").GET().build(), BodyHandlers.ofString());
        var missing = client.get("/assets/nothing-here.js");

        assertThat(List.of(home.statusCode(), sale.statusCode(), script.statusCode(), missing.status()))
                .containsExactly(200, 200, 200, 404);
        assertThat(home.body()).contains("<script type=\"module\" src=\"/assets/sales.js\"></script>");
        assertThat(sale.body()).contains("<script type=\"module\" src=\"/assets/sale.js\"></script>");
        for (var page : List.of(home, sale, script)) {
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .contains(SecurityConfiguration.PAGE_POLICY);
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
        }
        assertThat(SecurityConfiguration.PAGE_POLICY)
                .startsWith("default-src 'none';")
                .contains("script-src 'self';")
                .contains("style-src 'self';")
                .contains("connect-src 'self';")
                .doesNotContain("unsafe");
        for (var page : List.of(home, sale)) {
            assertThat(page.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.body())
                    .as("no inline script or style, which the policy would block")
                    .doesNotContainPattern("<script(?![^>]*\\ssrc=)")
                    .doesNotContainPattern("\\son[a-z]+=")
                    .doesNotContain("style=", "<style");
        }
        assertThat(missing.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void adminEndpointsAnswer401WithoutATokenAnd403WithAWrongOne() {
        Response without = client.post("/api/v1/admin/sales", "{}");
        Response wrong = client.post("/api/v1/admin/sales", "{}", "Authorization", "Bearer nope");
        Response legacyWrong = client.post("/admin/flashsales/1/warmup", null, "Authorization", "Bearer nope");

        assertThat(without.status()).isEqualTo(401);
        assertThat(without.code()).isEqualTo("UNAUTHORIZED");
        assertThat(without.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("FORBIDDEN");
        assertThat(legacyWrong.status()).isEqualTo(403);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413WhetherItsLengthIsDeclaredOrNot() {
        String huge = "{\"itemId\":1,\"userId\":\"" + "a".repeat(70_000) + "\"}";

        Response declared = client.post("/api/v1/orders", huge);
        Response chunked = client.send(request("/api/v1/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> chunks(huge)))
                .build());

        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(chunked.status()).isEqualTo(413);
    }

    @Test
    void aSmallChunkedBodyIsReadNormally() {
        Response chunked = client.send(request("/api/v1/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> chunks("{\"itemId\":999999,\"userId\":\"alice\"}")))
                .build());

        assertThat(chunked.status()).isEqualTo(404);
        assertThat(chunked.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void smallAnswersGoOutWholeWithTheirLengthNotChunked() {
        var item = client.openSale(1, 1);

        Response accepted = client.buy(item.itemId(), "first", 1);
        Response soldOut = client.buy(item.itemId(), "second", 1);
        Response sale = client.get("/api/v1/sales/" + item.saleId());

        assertThat(Stream.of(accepted, soldOut, sale).map(Response::status)).containsExactly(202, 409, 200);
        for (Response response : new Response[] {accepted, soldOut, sale}) {
            assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
            assertThat(response.headers().firstValueAsLong("Content-Length").orElse(0))
                    .isPositive();
        }
    }

    @Test
    void aRequestIdIsEchoedWhenItIsValidAndIgnoredWhenNot() {
        var item = client.openSale(1, 1);

        Response purchase = client.buy(item.itemId(), "buyer", 1, "X-Request-Id", "bench-7-42");
        Response unknown = client.send(request("/api/v1/nothing-here")
                .header("X-Request-Id", "r-1")
                .GET()
                .build());
        Response tooLong = client.send(request("/api/v1/nothing-here")
                .header("X-Request-Id", "r".repeat(65))
                .GET()
                .build());
        Response none = client.get("/api/v1/nothing-here");

        assertThat(purchase.status()).isEqualTo(202);
        assertThat(purchase.headers().firstValue("X-Request-Id")).contains("bench-7-42");
        assertThat(unknown.headers().firstValue("X-Request-Id")).contains("r-1");
        assertThat(tooLong.headers().firstValue("X-Request-Id")).isEmpty();
        assertThat(none.headers().firstValue("X-Request-Id")).isEmpty();
    }

    @Test
    void errorsOfTheFrameworkAreProblemDetailsThatNameNothingInternal() {
        Response unknown = client.get("/api/v1/nothing-here");
        Response method = client.send(request("/api/v1/sales/1").DELETE().build());
        Response media = client.send(request("/api/v1/orders")
                .header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<order/>"))
                .build());
        Response accept = client.send(request("/api/v1/sales/1")
                .header("Accept", "application/xml")
                .GET()
                .build());
        Response typeMismatch = client.get("/api/v1/sales/abc");

        assertThat(Stream.of(unknown, method, media, accept, typeMismatch).map(Response::status))
                .containsExactly(404, 405, 415, 406, 400);
        assertThat(Stream.of(unknown, method, media, typeMismatch).map(Response::code))
                .containsExactly("NOT_FOUND", "METHOD_NOT_ALLOWED", "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_FAILED");
        for (Response response : new Response[] {unknown, method, media, typeMismatch}) {
            assertThat(response.body().toString())
                    .doesNotContain("java.", "Exception", "springframework", "static resource");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /api/v1/sales/0, saleId",
        "GET, /api/v1/sales/-1, saleId",
        "POST, /api/v1/admin/sales/-1/warmup, saleId"
    })
    void anIdThatCannotNameARowIsRefusedNamingItsParameter(String method, String path, String parameter) {
        Response response = client.send(request(path)
                .header("Authorization", "Bearer " + FlashSaleIntegrationTest.ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly(parameter);
    }

    /** Tomcat answered these with an HTML page of its own, before any filter or servlet ran. */
    @Test
    void whatTomcatRefusesItselfIsAnsweredWithProblemDetails() throws IOException {
        var raw = new RawHttp(port);

        RawHttp.Answer nulInAHeader = raw.send("GET", "/api/v1/sales/1", List.of("X-Request-Id", "a\u0000b"), null);
        RawHttp.Answer controlInAHeader = raw.send(
                "POST",
                "/api/v1/orders",
                List.of("Content-Type", "application/json", "Idempotency-Key", "k\u0001y"),
                "{}".getBytes(StandardCharsets.UTF_8));
        RawHttp.Answer nulInThePath = raw.send("GET", "/api/v1/sales/1%00", List.of(), null);

        for (RawHttp.Answer answer : List.of(nulInAHeader, controlInAHeader, nulInThePath)) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.text()).contains("\"code\":\"VALIDATION_FAILED\"").doesNotContain("<html", "Tomcat");
        }
    }

    /**
     * Spring Security's firewall refuses a header value with a C1 control character when the header
     * is read: an emoji sent as raw UTF-8 in an Idempotency-Key was a 500, in an Accept an empty 400.
     */
    @Test
    void headerValuesTheFirewallRefusesAreAnsweredWithProblemDetails() throws IOException {
        var raw = new RawHttp(port);
        byte[] purchase = "{\"itemId\":1,\"userId\":\"alice\"}".getBytes(StandardCharsets.UTF_8);

        RawHttp.Answer emojiKey = raw.send(
                "POST",
                "/api/v1/orders",
                List.of("Content-Type", "application/json", "Idempotency-Key", "\uD83D\uDE00"),
                purchase);
        RawHttp.Answer controlAccept = raw.send(
                "POST", "/api/v1/orders", List.of("Content-Type", "application/json", "Accept", "\u0085"), purchase);

        for (RawHttp.Answer answer : List.of(emojiKey, controlAccept)) {
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.text()).contains("\"code\":\"VALIDATION_FAILED\"");
        }
    }

    /** Spring MVC could not choose a type even for the problem details, and answered with no body. */
    @Test
    void anAcceptThatIsNotAListOfMediaTypesIsRefusedWithProblemDetails() {
        Response sale = client.send(
                request("/api/v1/sales/1").header("Accept", "!").GET().build());
        Response purchase = client.send(request("/api/v1/orders")
                .header("Accept", "}x|")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

        assertThat(Stream.of(sale, purchase).map(Response::status)).containsExactly(406, 406);
        assertThat(Stream.of(sale, purchase).map(Response::code)).containsExactly("NOT_ACCEPTABLE", "NOT_ACCEPTABLE");
    }

    /** Asked for directly, the error page had no error to show and answered 500. */
    @Test
    void theErrorPageItselfIsNotFound() {
        Response get = client.get("/error");
        Response post = client.post("/error", "{}");

        assertThat(Stream.of(get, post).map(Response::status)).containsExactly(404, 404);
        assertThat(Stream.of(get, post).map(Response::code)).containsExactly("NOT_FOUND", "NOT_FOUND");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    /** A body streamed without a Content-Length, so it travels chunked. */
    private static InputStream chunks(String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < bytes.length ? bytes[position++] : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position >= bytes.length) {
                    return -1;
                }
                int count = Math.min(Math.min(length, 1024), bytes.length - position);
                System.arraycopy(bytes, position, buffer, offset, count);
                position += count;
                return count;
            }
        };
    }
}
