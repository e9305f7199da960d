import { registry } from "@web/core/registry";

// The delivery step as the shopper sees it: the on-time badge beside the
// courier service with enough deliveries behind it (rendered by this
// module's checkout.js from the rate answer), none beside the others, and
// the one-service method's badge beside the method.
registry.category("web_tour.tours").add("delivery_biteship_scorecard_badges", {
    url: "/shop/checkout",
    steps: () => [
        {
            content: "JNE REG, a service of the rate-shopping method, has its badge",
            trigger:
                '[name="o_delivery_services"] li[data-service="jne:reg"] .o_scorecard_badge:contains(On time 67 %)',
        },
        {
            content: "J&T EZ has none",
            trigger:
                '[name="o_delivery_services"] li[data-service="jnt:ez"]:not(:has(.o_scorecard_badge))',
        },
        {
            content: "The one-service JNE REG method has its badge beside it",
            trigger:
                'label.o_delivery_carrier_label:contains(Biteship JNE REG) + .o_scorecard_badge:contains(On time 67 %)',
        },
    ],
});
