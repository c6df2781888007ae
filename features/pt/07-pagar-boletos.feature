# language: pt
@stage-4 @payments
Funcionalidade: Pagar boletos
  Antes de pagar um boleto, a aplicação o consulta com uma simulação, que
  diz se ele pode ser pago e por quanto; depois o paga com uma chave de
  idempotência, e o pagamento corre como qualquer outra saída de dinheiro.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Consultar e pagar um boleto
    Quando a aplicação consulta o boleto pagável das fixtures
    Então a consulta diz que o boleto está "payable" com seu valor
    Quando a aplicação paga o boleto
    Então o pagamento passa a ter status "FINISHED"
    E o extrato mostra o pagamento como um débito do valor do boleto

  Cenário: Um boleto já pago aparece como pago
    Quando a aplicação consulta o boleto pago das fixtures
    Então a consulta diz que o boleto está "paid" com seu valor
