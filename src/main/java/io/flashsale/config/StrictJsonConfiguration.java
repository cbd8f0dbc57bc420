package io.flashsale.config;

import java.math.BigDecimal;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read as written: a key given twice, a key the body does not have (a misspelt
 * {@code "quantitty"} would otherwise buy one unit) and a JSON value of the wrong type are each a
 * 400, never ignored or converted.
 * Jackson would otherwise read {@code {"paymentReference": 12}} as the text "12" and
 * {@code {"quantity": "2"}} as the number 2, so a client's type error would pay an order or buy
 * under a value it never meant to send. Numbers that are not whole are refused for whole-number
 * fields by {@code spring.jackson.deserialization.accept-float-as-int=false}. One exception: a
 * decimal amount (a sale item's {@code price}) may come as a JSON string, {@code "19.90"}, the usual
 * way to send money without binary floating point; it must still be a decimal number.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictRequestBodies() {
        return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(
                        LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(
                        BigDecimal.class,
                        amount -> amount.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert));
    }
}
