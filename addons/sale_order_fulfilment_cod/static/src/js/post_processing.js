/** @odoo-module **/

import paymentPostProcessing from "@payment/js/post_processing";

paymentPostProcessing.include({
    /**
     * A cash-on-delivery transaction stays pending until the courier
     * collects the cash: the customer goes on to the confirmation page at
     * once, as with payment_custom's wire transfers.
     *
     * @override
     */
    _getFinalStates(providerCode) {
        const finalStates = this._super(...arguments);
        if (providerCode === "cod") {
            finalStates.add("pending");
        }
        return finalStates;
    },
});
