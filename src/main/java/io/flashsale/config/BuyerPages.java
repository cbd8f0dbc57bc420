package io.flashsale.config;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.constraints.Positive;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The buyer's pages (docs/adr/0050): {@code /} lists the open and upcoming sales, {@code /sales/{id}}
 * is one sale with its countdown, live units, Buy button and the buyer's orders. Plain HTML, CSS and
 * JavaScript modules from {@code classpath:/web/} in the jar, served by api instances only; the page
 * at {@code /sales/{id}} is the same file for every sale (its script reads the id from the address).
 * Revalidated on every load ({@code no-cache} with {@code ETag}/{@code Last-Modified}), so a new jar's
 * files are picked up at once. The pages take the server's clock from {@link ServerClockController}.
 */
@RestController
@ConditionalOnRole(Role.API)
class BuyerPages implements WebMvcConfigurer {

    private static final CacheControl REVALIDATE = CacheControl.noCache();
    private static final Resource SALES = new ClassPathResource("web/index.html");
    private static final Resource SALE = new ClassPathResource("web/sale.html");

    @Hidden
    @GetMapping("/")
    ResponseEntity<Resource> sales() {
        return page(SALES);
    }

    @Hidden
    @GetMapping("/sales/{saleId}")
    ResponseEntity<Resource> sale(@PathVariable @Positive long saleId) {
        return page(SALE);
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**")
                .addResourceLocations("classpath:/web/assets/")
                .setCacheControl(REVALIDATE);
    }

    private static ResponseEntity<Resource> page(Resource file) {
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(REVALIDATE)
                .body(file);
    }
}
