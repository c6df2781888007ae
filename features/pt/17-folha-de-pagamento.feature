# language: pt
@stage-4 @payroll
Funcionalidade: Folha de pagamento
  A conta paga os salários dos seus funcionários, listados num arquivo
  enviado antes, nas contas Stone deles: a folha é aceita, então cada
  salário é pago ou falha, e a conta é debitada uma única vez pelo que foi
  pago. A Stone documenta as chamadas da folha mas não o envio do arquivo
  (outro host), que só o simulador faz.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: As folhas de pagamento da conta são listadas
    Quando a aplicação lista as folhas de pagamento da conta
    Então as folhas de pagamento são listadas por cursor

  @simulator-only
  Cenário: Uma folha de pagamento paga os salários de um arquivo
    Dado que um arquivo de salários é enviado para dois funcionários com conta Stone e um sem
    Quando a aplicação paga a folha de pagamento do arquivo de salários
    Então a folha de pagamento é aceita com status "CREATED"
    E a folha de pagamento chega ao status "FINISHED" com 1 salário com falha
    E o extrato mostra a folha de pagamento como um único débito de 4000 centavos
    Quando a aplicação lista as folhas de pagamento da conta
    Então as folhas de pagamento são listadas por cursor
