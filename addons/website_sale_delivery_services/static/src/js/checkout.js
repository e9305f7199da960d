import { _t } from '@web/core/l10n/translation';
import { rpc } from '@web/core/network/rpc';
import WebsiteSaleCheckout from '@website_sale/js/checkout';

/**
 * A method that offers several courier services lists them (price, delivery
 * time, cheapest / fastest) under its own radio. The services come with the
 * method's rate answer; choosing one sets the method and the service at once.
 */
WebsiteSaleCheckout.include({
    events: Object.assign({}, WebsiteSaleCheckout.prototype.events, {
        'click [name="o_delivery_service"]': '_selectDeliveryService',
    }),

    /**
     * @override
     */
    async _selectDeliveryMethod(ev) {
        // another method: no service of another method stays ticked
        const container = this._getDeliveryMethodContainer(ev.currentTarget);
        for (const serviceRadio of document.querySelectorAll('input[name="o_delivery_service"]')) {
            if (!container.contains(serviceRadio)) {
                serviceRadio.checked = false;
            }
        }
        return this._super(...arguments);
    },

    /**
     * @override
     */
    _updateAmountBadge(radio, rateData) {
        this._super(...arguments);
        this._renderDeliveryServices(radio, rateData);
    },

    /**
     * Choose a courier service: its method becomes the order's delivery
     * method with the service's price.
     *
     * @private
     * @param {Event} ev
     */
    async _selectDeliveryService(ev) {
        const serviceRadio = ev.currentTarget;
        const container = this._getDeliveryMethodContainer(serviceRadio);
        const methodRadio = container.querySelector('input[name="o_delivery_radio"]');
        this._disableMainButton();
        this._hidePickupLocation();
        this._showLoadingBadge(methodRadio);
        let result;
        try {
            result = await rpc('/shop/delivery_service', {
                dm_id: methodRadio.dataset.dmId,
                service: serviceRadio.dataset.service,
            });
        } catch (error) {
            result = {
                success: false,
                error_message: error.data?.message || _t("This service cannot be chosen now."),
            };
        }
        if (result.success) {
            methodRadio.checked = true;
            this._updateCartSummary(result);
        }
        this._updateAmountBadge(methodRadio, result);
        this._enableMainButton();
    },

    /**
     * @private
     * @param {HTMLInputElement} radio - The radio of the delivery method.
     * @param {Object} rateData - Its rate or order summary answer.
     */
    _renderDeliveryServices(radio, rateData) {
        const list = this._getDeliveryMethodContainer(radio)?.querySelector(
            '[name="o_delivery_services"]'
        );
        if (!list) {
            return;
        }
        this._clearElement(list);
        const services = rateData.success ? rateData.delivery_services || [] : [];
        list.classList.toggle('d-none', !services.length);
        for (const service of services) {
            list.appendChild(this._deliveryServiceElement(radio, service));
        }
    },

    /**
     * @private
     * @return {Element} One service: radio, name, delivery time, badges, price.
     */
    _deliveryServiceElement(methodRadio, service) {
        const id = `o_delivery_service_${methodRadio.dataset.dmId}_${service.key.replace(':', '_')}`;
        const item = document.createElement('li');
        item.className = 'form-check d-flex gap-2 align-items-baseline py-1';
        item.dataset.service = service.key;

        const input = document.createElement('input');
        Object.assign(input, {
            type: 'radio', id, name: 'o_delivery_service', className: 'form-check-input',
        });
        input.dataset.service = service.key;
        input.checked = Boolean(service.selected && methodRadio.checked);

        const label = document.createElement('label');
        label.className = 'form-check-label flex-grow-1 d-flex flex-wrap gap-2';
        label.htmlFor = id;
        const name = document.createElement('span');
        name.className = 'o_delivery_service_name';
        name.textContent = service.name;
        const duration = document.createElement('small');
        duration.className = 'text-muted o_delivery_service_duration';
        duration.textContent = service.duration;
        label.append(name, duration);
        for (const [flag, text, style] of [
            ['cheapest', _t("Cheapest"), 'text-bg-success'],
            ['fastest', _t("Fastest"), 'text-bg-info'],
        ]) {
            if (service[flag]) {
                const badge = document.createElement('span');
                badge.className = `badge rounded-pill ${style} o_delivery_service_${flag}`;
                badge.textContent = text;
                label.appendChild(badge);
            }
        }

        const price = document.createElement('span');
        price.className = 'fw-bold o_delivery_service_price';
        if (service.is_free) {
            price.textContent = _t("Free");
        } else {
            price.innerHTML = service.amount;  // Monetary HTML rendered by the server
        }
        item.append(input, label, price);
        return item;
    },
});
