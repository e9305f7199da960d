import { registry } from "@web/core/registry";

// A guest on /track: a wrong guess first, then the right one, then the
// order's page (timeline, shipment, courier link). The test writes the
// order's reference and email in the page's inputs' expected values.
registry.category("web_tour.tours").add("website_delivery_tracking_guest", {
    url: "/track",
    steps: () => [
        {
            content: "Type the order number",
            trigger: "input[name=order]",
            run: "edit WDT-TOUR-1",
        },
        {
            content: "Type a wrong email",
            trigger: "input[name=secret]",
            run: "edit someone@example.com",
        },
        {
            content: "Submit",
            trigger: "button.o_tracking_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The guess is refused without saying whether the order exists",
            trigger: ".o_tracking_error:contains(could not find an order)",
        },
        {
            content: "Type the customer's email",
            trigger: "input[name=secret]",
            run: "edit budi@example.com",
        },
        {
            content: "Submit again",
            trigger: "button.o_tracking_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order, its city and its timeline",
            trigger: ".o_tracking_order_name:contains(WDT-TOUR-1)",
        },
        {
            trigger: ".o_tracking_city:contains(Bandung)",
        },
        {
            trigger: ".o_fulfilment_step[data-step=shipped]",
        },
        {
            content: "The shipment with the courier's link and the events",
            trigger: ".o_tracking_shipment .o_tracking_parcel a[href*='track.example.com']",
        },
        {
            trigger: ".o_tracking_timeline:contains(Courier says in_transit)",
        },
        {
            content: "No label link for a guest",
            trigger: ".o_tracking_shipment:not(:has(.o_tracking_labels))",
        },
    ],
});
