import WebsiteSaleCheckout from '@website_sale/js/checkout';

/**
 * A courier service's on-time badge ("On time 96 %"), given by the
 * server with the service when the website shows badges.
 */
WebsiteSaleCheckout.include({
    /**
     * @override
     */
    _deliveryServiceElement(methodRadio, service) {
        const item = this._super(...arguments);
        if (service.scorecard_badge) {
            const badge = document.createElement('span');
            badge.className = 'badge rounded-pill text-bg-light border o_scorecard_badge';
            badge.title = service.scorecard_badge.title;
            badge.textContent = service.scorecard_badge.text;
            item.querySelector('label').appendChild(badge);
        }
        return item;
    },
});
