package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.flashsale.admission.gate.GateKeys;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.support.EventStream;
import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** With a JWT verification key configured, the buyer is the token's subject and nothing else. */
@FlashSaleIntegrationTest
@TestPropertySource(properties = {"spring.datasource.hikari.maximum-pool-size=3", "flashsale.events.lifetime=3s"})
class BuyerTokenTest {

    private static final KeyPair ISSUER = rsaKeys();
    private static final KeyPair IMPOSTOR = rsaKeys();

    @DynamicPropertySource
    static void verificationKey(DynamicPropertyRegistry properties) {
        properties.add("spring.security.oauth2.resourceserver.jwt.public-key-location", BuyerTokenTest::publicKeyFile);
    }

    @Autowired
    SaleFixture fixture;

    @LocalServerPort
    int port;

    @Autowired
    RedisGate gate;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcClient jdbc;

    FlashSaleClient client;
    CreatedItem item;

    @BeforeEach
    void openSale() {
        client = fixture.client();
        item = client.openSale(5, 1);
    }

    @Test
    void aValidTokenBuysForItsSubjectWhoAloneMayReadTheOrder() {
        Response accepted = client.post(
                "/api/v1/orders",
                "{\"itemId\":" + item.itemId() + "}",
                bearer(token("alice", ISSUER.getPrivate(), 300)));

        assertThat(accepted.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.send(
                                get("/api/v1/orders/" + accepted.orderId(), token("alice", ISSUER.getPrivate(), 300)))
                        .body()
                        .path("status")
                        .asString())
                .isEqualTo("CONFIRMED"));
        Response own =
                client.send(get("/api/v1/orders/" + accepted.orderId(), token("alice", ISSUER.getPrivate(), 300)));
        Response foreign =
                client.send(get("/api/v1/orders/" + accepted.orderId(), token("mallory", ISSUER.getPrivate(), 300)));
        Response anonymous = client.get("/api/v1/orders/" + accepted.orderId());

        assertThat(own.body().path("userId").asString()).isEqualTo("alice");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.code()).isEqualTo("FORBIDDEN");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(client.send(get(
                                "/flashsale/result/" + accepted.orderId(), token("mallory", ISSUER.getPrivate(), 300)))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void anOrdersEventsAreForItsBuyerAloneAndAnItemsForAnyone() {
        Response accepted = client.post(
                "/api/v1/orders",
                "{\"itemId\":" + item.itemId() + "}",
                bearer(token("alice", ISSUER.getPrivate(), 300)));
        String path = "/api/v1/orders/" + accepted.orderId() + "/events";

        try (var own = EventStream.open(port, path, bearer(token("alice", ISSUER.getPrivate(), 300)));
                var foreign = EventStream.open(port, path, bearer(token("mallory", ISSUER.getPrivate(), 300)));
                var anonymous = EventStream.open(port, path);
                var units = EventStream.open(port, "/api/v1/items/" + item.itemId() + "/events")) {
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.next("status", Duration.ofSeconds(20))
                            .json()
                            .path("userId")
                            .asString())
                    .isEqualTo("alice");
            assertThat(foreign.status()).isEqualTo(403);
            assertThat(foreign.problem().path("code").asString()).isEqualTo("FORBIDDEN");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(units.status()).isEqualTo(200);
            assertThat(own.awaitEnd(Duration.ofSeconds(15)))
                    .as("the stream ends after its lifetime")
                    .isTrue();
        }
    }

    @Test
    void aMissingExpiredForgedOrUnsignedTokenIsUnauthorizedAndReservesNothing() {
        String body = "{\"itemId\":" + item.itemId() + ",\"userId\":\"alice\"}";

        Response missing = client.post("/api/v1/orders", body);
        Response expired = client.post("/api/v1/orders", body, bearer(token("alice", ISSUER.getPrivate(), -600)));
        Response forged = client.post("/api/v1/orders", body, bearer(token("alice", IMPOSTOR.getPrivate(), 300)));
        Response unsigned = client.post("/api/v1/orders", body, bearer(unsignedToken("alice")));
        Response garbage = client.post("/api/v1/orders", body, bearer("not.a.token"));
        Response legacy = client.post("/flashsale/precheck?user_id=alice&product_id=" + item.itemId(), null);

        for (Response response : new Response[] {missing, expired, forged, unsigned, garbage, legacy}) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.code()).isEqualTo("UNAUTHORIZED");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        }
        assertNothingReserved();
    }

    @Test
    void aTokenOfAnotherBuyerThanTheBodyNamesIsForbiddenAndReservesNothing() {
        String mallory = token("mallory", ISSUER.getPrivate(), 300);

        Response api = client.post(
                "/api/v1/orders", "{\"itemId\":" + item.itemId() + ",\"userId\":\"alice\"}", bearer(mallory));
        Response legacy =
                client.post("/flashsale/precheck?user_id=alice&product_id=" + item.itemId(), null, bearer(mallory));

        assertThat(api.status()).isEqualTo(403);
        assertThat(api.code()).isEqualTo("FORBIDDEN");
        assertThat(legacy.status()).isEqualTo(403);
        assertNothingReserved();
    }

    @Test
    void adminEndpointsStillTakeOnlyTheAdminToken() {
        CreatedItem cold = client.createSale(Instant.now(), Instant.now().plusSeconds(600), 3, 1);
        String path = "/api/v1/admin/sales/" + cold.saleId() + "/warmup";

        assertThat(client.post(path, null).status()).isEqualTo(401);
        assertThat(client.post(path, null, bearer("wrong-token")).status()).isEqualTo(403);
        assertThat(client.post(path, null, bearer(token("alice", ISSUER.getPrivate(), 300)))
                        .status())
                .isEqualTo(403);
        assertThat(client.warmUp(cold.saleId()).status()).isEqualTo(200);
        assertThat(gate.tokens(cold.itemId())).contains(3L);
    }

    @Test
    void publicReadsNeedNoToken() {
        assertThat(client.get("/api/v1/sales/" + item.saleId()).status()).isEqualTo(200);
        assertThat(client.post("/flashsale/stock/" + item.itemId(), null).status())
                .isEqualTo(200);
    }

    @Test
    void aBuyerPaysCancelsAndStandsByOnlyForThemselves() {
        String alice = token("alice", ISSUER.getPrivate(), 300);
        String mallory = token("mallory", ISSUER.getPrivate(), 300);
        Response bought = client.post("/api/v1/orders", "{\"itemId\":" + item.itemId() + "}", bearer(alice));
        await().atMost(Duration.ofSeconds(30)).until(() -> "CONFIRMED"
                .equals(client.send(get("/api/v1/orders/" + bought.orderId(), alice))
                        .body()
                        .path("status")
                        .asString()));

        assertThat(client.pay(bought.orderId(), "psp-m", bearer(mallory)).status())
                .isEqualTo(403);
        assertThat(client.cancel(bought.orderId(), bearer(mallory)).status()).isEqualTo(403);
        assertThat(client.pay(bought.orderId(), "psp-a").status()).isEqualTo(401);
        assertThat(client.standBy(item.itemId(), "alice", 1, bearer(mallory)).status())
                .isEqualTo(403);
        Response paid = client.pay(bought.orderId(), "psp-a", bearer(alice));

        assertThat(paid.status()).isEqualTo(200);
        assertThat(paid.body().path("status").asString()).isEqualTo("PAID");
        assertThat(jdbc.sql("SELECT count(*) FROM refused_payments")
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    private void assertNothingReserved() {
        GateKeys keys = gate.keys();
        assertThat(gate.tokens(item.itemId())).contains(5L);
        assertThat(redis.opsForHash().size(keys.pending(item.itemId()))).isZero();
        assertThat(redis.opsForHash().size(keys.buyers(item.itemId()))).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM orders WHERE item_id = ?")
                        .param(item.itemId())
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    private java.net.http.HttpRequest get(String path, String token) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    static String token(String subject, PrivateKey key, long expiresInSeconds) {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .issueTime(Date.from(now.minusSeconds(Math.max(0, -expiresInSeconds) + 60)))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .build();
        try {
            var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: a token anybody can make, which must never be accepted. */
    static String unsignedToken(String subject) {
        var encoder = Base64.getUrlEncoder().withoutPadding();
        String header = encoder.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = encoder.encodeToString(
                ("{\"sub\":\"" + subject + "\",\"exp\":" + (Instant.now().getEpochSecond() + 300) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static String publicKeyFile() {
        try {
            Path file = Files.createTempFile("flashsale-jwt", ".pub");
            file.toFile().deleteOnExit();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(ISSUER.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(file, pem);
            return "file:" + file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
