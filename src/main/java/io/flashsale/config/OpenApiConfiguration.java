package io.flashsale.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}) and Swagger UI ({@code /swagger-ui.html}) come from
 * springdoc, which reads the controllers and the problem-details advice; this adds what it cannot
 * infer: the title and the two credentials.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI flashSaleApi() {
        return new OpenAPI()
                .info(
                        new Info()
                                .title("flashsale")
                                .version("v1")
                                .description(
                                        """
                                Flash-sale purchase API. Errors are RFC 9457 problem details with a stable `code`.
                                Admin endpoints need the admin token (`Authorization: Bearer <FLASHSALE_ADMIN_TOKEN>`).
                                When a JWT key is configured, purchases and order status need a buyer's bearer JWT;
                                the buyer is its subject."""))
                .components(new Components()
                        .addSecuritySchemes(
                                "adminToken",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("FLASHSALE_ADMIN_TOKEN"))
                        .addSecuritySchemes(
                                "buyerJwt",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description(
                                                "Required only when a JWT verification key or JWK set is configured")));
    }
}
