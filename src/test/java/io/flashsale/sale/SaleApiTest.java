package io.flashsale.sale;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.FlashSaleClient;
import io.flashsale.support.FlashSaleClient.CreatedItem;
import io.flashsale.support.FlashSaleClient.Response;
import io.flashsale.support.FlashSaleIntegrationTest;
import io.flashsale.support.SaleFixture;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

@FlashSaleIntegrationTest
class SaleApiTest {

    private static final String VALID_ITEM =
            "{\"sku\":\"S\",\"name\":\"N\",\"price\":10.5,\"stock\":5,\"perUserLimit\":1}";

    @Autowired
    SaleFixture fixture;

    @Autowired
    JdbcClient jdbc;

    FlashSaleClient client;

    @BeforeEach
    void connect() {
        client = fixture.client();
    }

    @Test
    void anAdminCreatesASaleAndAnyoneCanSeeItsStock() {
        Response created =
                client.admin("/api/v1/admin/sales", sale(VALID_ITEM, "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"));

        assertThat(created.status()).isEqualTo(201);
        long saleId = created.body().path("id").asLong();
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/sales/" + saleId);
        Response shown = client.get("/api/v1/sales/" + saleId);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body().path("status").asString()).isEqualTo("SCHEDULED");
        assertThat(shown.body().path("items").get(0).path("available").asInt()).isEqualTo(5);
        assertThat(shown.body().path("items").get(0).path("price").decimalValue())
                .isEqualByComparingTo("10.5");
    }

    @Test
    void theListingHasTheOpenAndUpcomingSalesSoonestFirstAndNotTheEndedOnes() {
        Instant now = Instant.now();
        CreatedItem ended = client.createSale(now.minusSeconds(7200), now.minusSeconds(3600), 5, 1);
        CreatedItem later = client.createSale(now.plusSeconds(7200), now.plusSeconds(9000), 5, 1);
        CreatedItem open = client.createSale(now.minusSeconds(60), now.plusSeconds(3600), 7, 2);

        Response listing = client.get("/api/v1/sales");

        assertThat(listing.status()).isEqualTo(200);
        List<Long> ids = listing.body()
                .path("sales")
                .valueStream()
                .map(sale -> sale.path("id").asLong())
                .toList();
        assertThat(ids).contains(open.saleId(), later.saleId()).doesNotContain(ended.saleId());
        assertThat(ids.indexOf(open.saleId())).isLessThan(ids.indexOf(later.saleId()));
        var shown = listing.body().path("sales").get(ids.indexOf(open.saleId()));
        assertThat(shown.path("items").get(0).path("totalStock").asInt()).isEqualTo(7);
        assertThat(shown.path("items").get(0).path("perUserLimit").asInt()).isEqualTo(2);
    }

    @Test
    void theServersClockIsReadable() {
        long before = System.currentTimeMillis();
        Response time = client.get("/api/v1/time");
        long after = System.currentTimeMillis();

        assertThat(time.status()).isEqualTo(200);
        assertThat(time.body().path("epochMillis").asLong()).isBetween(before - 1000, after + 1000);
        assertThat(Instant.parse(time.body().path("now").asString()).toEpochMilli())
                .isEqualTo(time.body().path("epochMillis").asLong());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"sku\":\"S\",\"name\":\"N\",\"price\":1,\"stock\":0,\"perUserLimit\":1}",
                "{\"sku\":\"S\",\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":0}",
                "{\"sku\":\"S\",\"name\":\"N\",\"price\":-1,\"stock\":5,\"perUserLimit\":1}",
                "{\"sku\":\"S\",\"name\":\"N\",\"price\":1.234,\"stock\":5,\"perUserLimit\":1}",
                "{\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":1}",
                "{\"sku\":\"S\",\"name\":\"N\",\"price\":\"free\",\"stock\":5,\"perUserLimit\":1}"
            })
    void anInvalidItemIsRefusedAndNothingIsWritten(String item) {
        refusedAndNothingWritten(sale(item, "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"));
    }

    @Test
    void aSaleThatEndsBeforeItStartsIsRefused() {
        refusedAndNothingWritten(sale(VALID_ITEM, "2030-01-01T11:00:00Z", "2030-01-01T10:00:00Z"));
    }

    @Test
    void adminEndpointsNeedTheAdminToken() {
        String body = sale(VALID_ITEM, "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");

        Response anonymous = client.post("/api/v1/admin/sales", body);
        Response wrong = client.post("/api/v1/admin/sales", body, "Authorization", "Bearer not-the-token");
        Response warmup = client.post("/api/v1/admin/sales/1/warmup", null);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.code()).isEqualTo("FORBIDDEN");
        assertThat(warmup.status()).isEqualTo(401);
    }

    @Test
    void warmingUpTwiceKeepsWhatIsReserved() {
        CreatedItem item = client.openSale(5, 1);
        client.buy(item.itemId(), "alice", 1);

        Response again = client.warmUp(item.saleId());

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("items").get(0).path("tokens").asLong()).isEqualTo(4);
    }

    @Test
    void anEndedSaleCannotBeWarmedUpAndAnUnknownOneIsNotFound() {
        CreatedItem ended =
                client.createSale(Instant.parse("2020-01-01T10:00:00Z"), Instant.parse("2020-01-01T11:00:00Z"), 5, 1);

        Response response = client.warmUp(ended.saleId());

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.code()).isEqualTo("SALE_NOT_ACTIVE");
        assertThat(client.warmUp(987_654_321L).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/sales/987654321").status()).isEqualTo(404);
    }

    /**
     * Values that JSON and Java accept but PostgreSQL, the gate's epoch milliseconds or
     * {@code Instant.toEpochMilli} cannot hold: each is refused naming its field, and nothing is written.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            NUL in the sale name       | {"name":"Sa\\u0000le","startsAt":"2030-01-01T10:00:00Z","endsAt":"2030-01-01T11:00:00Z","items":[ITEM]} | name
            NUL in a SKU               | {"name":"Sale","startsAt":"2030-01-01T10:00:00Z","endsAt":"2030-01-01T11:00:00Z","items":[{"sku":"S\\u0000","name":"N","price":1,"stock":5,"perUserLimit":1}]} | items[0].sku
            NUL in an item name        | {"name":"Sale","startsAt":"2030-01-01T10:00:00Z","endsAt":"2030-01-01T11:00:00Z","items":[{"sku":"S","name":"\\u0000","price":1,"stock":5,"perUserLimit":1}]} | items[0].name
            endsAt in year 300000      | {"name":"Sale","startsAt":"2030-01-01T10:00:00Z","endsAt":"+300000-01-01T00:00:00Z","items":[ITEM]} | endsAt
            startsAt in year -5000     | {"name":"Sale","startsAt":"-5000-01-01T00:00:00Z","endsAt":"2030-01-01T11:00:00Z","items":[ITEM]} | startsAt
            endsAt the largest instant | {"name":"Sale","startsAt":"2030-01-01T10:00:00Z","endsAt":"+1000000000-12-31T23:59:59.999999999Z","items":[ITEM]} | endsAt
            """)
    void aValueTheStoresCannotHoldIsRefusedNamingItsFieldAndNothingIsWritten(String what, String body, String field) {
        Response response = refusedAndNothingWritten(body.replace("ITEM", VALID_ITEM));

        assertThat(response.body().path("errors").findValuesAsString("field"))
                .as(what)
                .contains(field);
    }

    @Test
    void aWindowShorterThanAMicrosecondIsRefusedForPostgreSQLWouldStoreItEmpty() {
        refusedAndNothingWritten(sale(VALID_ITEM, "2030-01-01T10:00:00.0000001Z", "2030-01-01T10:00:00.0000002Z"));
    }

    /** A number was read as epoch seconds, and one too large for an Instant as 1970-01-01 without a word. */
    @ParameterizedTest
    @ValueSource(strings = {"1893492000", "1.5e300", "-9223372036854775808"})
    void aSaleInstantIsAnIso8601StringNotANumber(String startsAt) {
        refusedAndNothingWritten("{\"name\":\"Sale\",\"startsAt\":" + startsAt
                + ",\"endsAt\":\"2030-01-01T11:00:00Z\",\"items\":[" + VALID_ITEM + "]}");
    }

    /** The JDBC driver writes an unpaired surrogate as '?': two distinct SKUs became one and broke the unique key. */
    @Test
    void skusThatDifferOnlyInUnpairedSurrogatesAreRefused() {
        Response response = refusedAndNothingWritten(sale(
                "{\"sku\":\"\\ud800\",\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":1},"
                        + "{\"sku\":\"\\udbff\",\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":1}",
                "2030-01-01T10:00:00Z",
                "2030-01-01T11:00:00Z"));

        assertThat(response.body().path("errors").findValuesAsString("field")).contains("items[0].sku", "items[1].sku");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0001", "\\u001f", "\\u007f", "\\u0085", "\\t", "\\n"})
    void controlCharactersInASkuAreRefused(String escaped) {
        Response response = refusedAndNothingWritten(sale(
                "{\"sku\":\"S" + escaped + "\",\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":1}",
                "2030-01-01T10:00:00Z",
                "2030-01-01T11:00:00Z"));

        assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("items[0].sku");
    }

    @Test
    void theEdgesOfTheRangeAndAstralCharactersAreStoredAsSentToTheMicrosecond() {
        Response created = client.admin(
                "/api/v1/admin/sales",
                "{\"name\":\"Sale \uD83D\uDE00\","
                        + "\"startsAt\":\"1970-01-01T00:00:00Z\",\"endsAt\":\"9999-12-31T23:59:59.9999999Z\",\"items\":["
                        + "{\"sku\":\"\uD835\uDD4A\",\"name\":\"N\",\"price\":1,\"stock\":5,\"perUserLimit\":1}]}");

        assertThat(created.status()).isEqualTo(201);
        Response shown = client.get("/api/v1/sales/" + created.body().path("id").asLong());
        assertThat(shown.body().path("name").asString()).isEqualTo("Sale \uD83D\uDE00");
        assertThat(shown.body().path("startsAt").asString()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(shown.body().path("endsAt").asString()).isEqualTo("9999-12-31T23:59:59.999999Z");
        assertThat(shown.body().path("items").get(0).path("sku").asString()).isEqualTo("\uD835\uDD4A");
    }

    /** Posts a sale as the admin: refused with 400 VALIDATION_FAILED problem details, and no row written. */
    private Response refusedAndNothingWritten(String body) {
        int salesBefore = sales();
        int itemsBefore = items();

        Response response = client.admin("/api/v1/admin/sales", body);

        assertThat(response.status()).as("%s", body).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(sales()).isEqualTo(salesBefore);
        assertThat(items()).isEqualTo(itemsBefore);
        return response;
    }

    private static String sale(String item, String startsAt, String endsAt) {
        return "{\"name\":\"Sale\",\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + endsAt + "\",\"items\":[" + item
                + "]}";
    }

    private int sales() {
        return jdbc.sql("SELECT count(*) FROM flash_sales").query(Integer.class).single();
    }

    private int items() {
        return jdbc.sql("SELECT count(*) FROM flash_sale_items")
                .query(Integer.class)
                .single();
    }
}
