import { registry } from "@web/core/registry";

// A method whose provider finds several areas for the delivery address asks
// which one under the method; the customer picks the second one offered (the
// test knows which it is), sees the price and chooses the method.
registry.category("web_tour.tours").add("website_sale_delivery_area", {
    url: "/shop/checkout",
    steps: () => [
        {
            content: "The method asks which district the address is in",
            trigger: '[name="o_delivery_method"] [name="o_delivery_areas"]:contains(Which district)',
        },
        {
            content: "Pick the second district",
            trigger: '[name="o_delivery_method"] select[name="o_delivery_area"]',
            run: "selectByIndex 2",
        },
        {
            content: "The method is priced and can be chosen",
            trigger:
                '[name="o_delivery_method"]:has([name="o_delivery_areas"].d-none) input[name="o_delivery_radio"]:not(:disabled)',
            run: "click",
        },
        {
            content: "Its price is in the order summary",
            trigger: "#order_delivery .monetary_field:not(.d-none):not(:contains(District needed))",
        },
        {
            content: "The customer may go on",
            trigger: 'a[name="website_sale_main_button"]:not(.disabled)',
        },
    ],
});
