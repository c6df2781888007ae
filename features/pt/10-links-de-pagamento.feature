# language: pt
@stage-4 @payment-links
Funcionalidade: Links de pagamento
  A aplicação vende por links de pagamento: um pedido com uma página de
  checkout que o pagador abre. Um link fica pendente até ser pago,
  cancelado pela aplicação ou expirar; um link cancelado fica fechado, um
  expirado não. A Stone avisa os pedidos por webhook.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: A configuração de links de pagamento da conta dá os limites
    Quando a aplicação lê sua configuração de links de pagamento
    Então a configuração dá os limites de um pedido em centavos

  Cenário: Criar um link de pagamento e cancelá-lo
    Quando a aplicação cria um link de pagamento de 3000 centavos
    Então o link de pagamento é criado "pending" com uma página de checkout para o pagador
    E o link de pagamento aparece entre os pedidos da conta
    Quando a aplicação cancela o link de pagamento
    Então o link de pagamento tem status "canceled" e está fechado

  @simulator-only
  Cenário: Um link de pagamento que expira é cancelado, mas não fechado
    Quando a aplicação cria um link de pagamento de 1500 centavos
    E o checkout do link de pagamento expira
    Então o link de pagamento tem status "canceled" e não está fechado

  @simulator-only
  Cenário: Um link de pagamento pago é avisado por webhook
    Dado que a aplicação recebe webhooks
    Quando a aplicação cria um link de pagamento de 4500 centavos
    Então um webhook "order_created" chega para o link de pagamento
    Quando o pagador paga o link de pagamento
    Então o link de pagamento tem status "paid" e está fechado
    E um webhook "order_paid" chega para o link de pagamento
    E um webhook "order_closed" chega para o link de pagamento
