package io.flashsale.admission.legacy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A precheck's input as the original read it: {@code user_id} and {@code product_id} from the query
 * string when both are there and non-empty, else both from a JSON body whose fields are strings (a
 * number there does not bind). {@code error} is the original's 400 message when neither works.
 */
record LegacyPrecheck(String userId, String productId, String error) {

    static final String UNBOUND = "missing user_id or product_id";
    static final String EMPTY = "user_id & product_id are required";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static LegacyPrecheck read(String queryString, String body) {
        String user = query(queryString, "user_id");
        String product = query(queryString, "product_id");
        if (!user.isEmpty() && !product.isEmpty()) {
            return new LegacyPrecheck(user, product, null);
        }
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JacksonException e) {
            json = null;
        }
        if (json == null
                || !json.isObject()
                || !stringOrAbsent(json, "user_id")
                || !stringOrAbsent(json, "product_id")) {
            return new LegacyPrecheck(null, null, UNBOUND);
        }
        user = json.path("user_id").asString("");
        product = json.path("product_id").asString("");
        return user.isEmpty() || product.isEmpty()
                ? new LegacyPrecheck(null, null, EMPTY)
                : new LegacyPrecheck(user, product, null);
    }

    private static boolean stringOrAbsent(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() || value.isString();
    }

    /** The first value of a query parameter, decoded; "" when absent or not decodable. */
    private static String query(String queryString, String name) {
        if (queryString == null) {
            return "";
        }
        for (String pair : queryString.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (key.equals(name)) {
                try {
                    return URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException undecodable) {
                    return "";
                }
            }
        }
        return "";
    }
}
