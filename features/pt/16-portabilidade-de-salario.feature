# language: pt
@stage-4 @salary-portability
Funcionalidade: Portabilidade de salário
  O titular da conta pede que o salário que um empregador paga em outra
  instituição seja repassado para a conta Stone. O pedido é criado e
  assim fica enquanto a instituição pagadora o processa; essa instituição
  então o habilita, ou o desabilita.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Pedir a portabilidade de um salário
    Quando a aplicação pede a portabilidade de um salário pago na instituição "341" para a própria conta
    Então a portabilidade de salário é pedida com status "CREATED" e o nome da sua instituição pagadora
    E a portabilidade de salário aparece entre as da conta com status "CREATED"

  @simulator-only
  Cenário: A instituição pagadora habilita a portabilidade
    Quando a aplicação pede a portabilidade de um salário pago na instituição "00000000" para a própria conta
    E a instituição pagadora habilita a portabilidade de salário
    Então a portabilidade de salário aparece entre as da conta com status "ENABLED"
