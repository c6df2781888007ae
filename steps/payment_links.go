package steps

import (
	"context"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func paymentLinkSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application reads its payment link configuration$`, func(w *World) any { return w.readsLinkConfig }).
			pt(`^a aplicação lê sua configuração de links de pagamento$`),
		step(kindCheck, `^the configuration gives the limits of an order in centavos$`, func(w *World) any { return w.linkConfigValid }).
			pt(`^a configuração dá os limites de um pedido em centavos$`),
		step(kindAction, `^the application creates a payment link of (\d+) centavos$`, func(w *World) any { return w.createsLink }).
			pt(`^a aplicação cria um link de pagamento de (\d+) centavos$`),
		step(kindCheck, `^the payment link is created "([^"]*)" with a checkout page for the payer$`, func(w *World) any { return w.linkCreated }).
			pt(`^o link de pagamento é criado "([^"]*)" com uma página de checkout para o pagador$`),
		step(kindCheck, `^the payment link is listed among the account's orders$`, func(w *World) any { return w.linkListed }).
			pt(`^o link de pagamento aparece entre os pedidos da conta$`),
		step(kindAction, `^the application cancels the payment link$`, func(w *World) any { return w.cancelsLink }).
			pt(`^a aplicação cancela o link de pagamento$`),
		step(kindAction, `^the payer pays the payment link$`, func(w *World) any { return w.payerPays }).
			pt(`^o pagador paga o link de pagamento$`),
		step(kindAction, `^the payment link's checkout expires$`, func(w *World) any { return w.linkExpires }).
			pt(`^o checkout do link de pagamento expira$`),
		step(kindCheck, `^the payment link has status "([^"]*)" and is (closed|not closed)$`, func(w *World) any { return w.linkState }).
			pt(`^o link de pagamento tem status "([^"]*)" e (está fechado|não está fechado)$`),
	}
}

func (w *World) readsLinkConfig(ctx context.Context) error {
	if w.accountID == "" {
		return errNoAccount
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.PaymentLinkConfig(ctx, w.accountID)
		return err
	})
	w.linkConfigRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) linkConfigValid(ctx context.Context) error {
	return w.verify(ctx, check.PaymentLinkConfig, nil, check.Inputs{"response": w.linkConfigRecs})
}

func (w *World) createsLink(ctx context.Context, amount int64) error {
	if w.accountID == "" {
		return errNoAccount
	}
	req := stone.OrderRequest{AccountID: w.accountID,
		Items:    []stone.OrderItemRequest{{Amount: amount, Description: "homolog " + w.s.cfg.RunID, Quantity: 1}},
		Customer: &stone.OrderCustomerRequest{Name: "Homologação"},
		Payments: []stone.OrderPaymentRequest{{Amount: amount, PaymentMethod: "checkout", Checkout: &stone.CheckoutRequest{
			ExpiresIn: 10080, CustomerEditable: true, AcceptedPaymentMethods: []string{"credit_card"}, AcceptedMultiPaymentMethods: []string{},
			CreditCard: &stone.CheckoutCreditCardTerm{Capture: true, Installments: []stone.CheckoutInstalment{{Number: 1, Total: amount}}}}}},
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		var err error
		w.order, err = w.s.cfg.Client.CreateOrder(ctx, req)
		return err
	})
	w.orderRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) linkCreated(ctx context.Context, status string) error {
	return w.verify(ctx, check.OrderCreated, params("status", status), check.Inputs{"response": w.orderRecs})
}

func (w *World) linkListed(ctx context.Context) error {
	if _, err := need(w.order, "payment link", w.err); err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Orders(ctx, w.accountID)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.OrderListed, nil, check.Inputs{"order": w.orderRecs, "list": recs})
}

func (w *World) cancelsLink(ctx context.Context) error {
	o, err := need(w.order, "payment link", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.CancelOrder(ctx, w.accountID, o.ID)
		return err
	})
	return w.succeeded(ctx, recs, err)
}

func (w *World) payerPays(ctx context.Context) error {
	o, err := need(w.order, "payment link", w.err)
	if err != nil {
		return err
	}
	cp, err := w.counterparts()
	if err != nil {
		return err
	}
	return cp.PayOrder(ctx, o.ID)
}

func (w *World) linkExpires(ctx context.Context) error {
	o, err := need(w.order, "payment link", w.err)
	if err != nil {
		return err
	}
	cp, err := w.counterparts()
	if err != nil {
		return err
	}
	return cp.ExpireOrder(ctx, o.ID)
}

func (w *World) linkState(ctx context.Context, status, closed string) error {
	o, err := need(w.order, "payment link", w.err)
	if err != nil {
		return err
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.Order(ctx, w.accountID, o.ID)
		return err
	})
	if err := w.succeeded(ctx, recs, err); err != nil {
		return err
	}
	return w.verify(ctx, check.OrderState, params("status", status, "closed", closed == "closed"), check.Inputs{"reads": recs})
}
