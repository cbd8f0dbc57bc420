/**
 * Sales and the items they sell: creation by an admin, the public view with remaining stock, and
 * the stock rows that settlement locks and decrements. PostgreSQL is the truth about stock.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = "shared")
package io.flashsale.sale;
