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
        'change select[name="o_delivery_area"]': '_selectDeliveryArea',
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
        this._renderDeliveryAreas(radio, rateData);
    },

    /**
     * The customer tells the area of their address that the method's provider
     * could not tell (several match); the method's fresh rate comes back.
     *
     * @private
     * @param {Event} ev
     */
    async _selectDeliveryArea(ev) {
        const select = ev.currentTarget;
        const container = this._getDeliveryMethodContainer(select);
        const radio = container.querySelector('input[name="o_delivery_radio"]');
        const areas = Array.from(select.options)
            .filter((option) => option.value)
            .map((option) => ({ key: option.value, label: option.textContent }));
        this._showLoadingBadge(radio);
        let result;
        try {
            result = await rpc('/shop/delivery_area', {
                dm_id: radio.dataset.dmId,
                area: select.value,
            });
        } catch (error) {
            result = {
                success: false,
                error_message: error.data?.message || _t("This district cannot be chosen now."),
                checkout_areas: areas,
            };
        }
        this._updateAmountBadge(radio, result);
        if (!result.success) {
            return;
        }
        // the other methods that asked about the same address ask again
        const asking = this.dmRadios.filter(
            (other) => other !== radio
                && this._getDeliveryMethodContainer(other).querySelector(
                    '[name="o_delivery_areas"]:not(.d-none)'
                )
        );
        await Promise.all(asking.map(async (other) => {
            this._showLoadingBadge(other);
            this._updateAmountBadge(other, await this._getDeliveryRate(other));
        }));
    },

    /**
     * Under a method whose provider found several areas for the address, a
     * select of them instead of the bare error.
     *
     * @private
     * @param {HTMLInputElement} radio - The radio of the delivery method.
     * @param {Object} rateData - Its rate or order summary answer.
     */
    _renderDeliveryAreas(radio, rateData) {
        const container = this._getDeliveryMethodContainer(radio);
        if (!container) {
            return;
        }
        const areas = rateData.success ? [] : rateData.checkout_areas || [];
        let box = container.querySelector('[name="o_delivery_areas"]');
        if (!areas.length) {
            box?.classList.add('d-none');
            return;
        }
        if (!box) {
            box = document.createElement('div');
            box.setAttribute('name', 'o_delivery_areas');
            // above the method label's cover (website_sale_delivery.scss)
            box.className = 'position-relative ms-4 mt-2';
            container.appendChild(box);
        }
        this._clearElement(box);
        box.classList.remove('d-none');
        const id = `o_delivery_area_${radio.dataset.dmId}`;
        const label = document.createElement('label');
        label.className = 'form-label small mb-1';
        label.htmlFor = id;
        label.textContent = _t("Which district is your address in?");
        const select = document.createElement('select');
        Object.assign(select, { id, name: 'o_delivery_area', className: 'form-select form-select-sm' });
        const placeholder = new Option(_t("Choose your district"), '', true, true);
        placeholder.disabled = true;
        select.appendChild(placeholder);
        for (const area of areas) {
            select.appendChild(new Option(area.label, area.key));
        }
        box.append(label, select);
        // the select asks the question: no back-office sentence in the badge
        this._getDeliveryPriceBadge(radio).textContent = _t("District needed");
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
