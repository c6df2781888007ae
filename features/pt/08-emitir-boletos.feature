# language: pt
@stage-4 @boleto-issuance
Funcionalidade: Emitir boletos
  A aplicação emite boletos para os clientes da sua conta. Um boleto é
  criado na hora e registrado pouco depois; pode ser cancelado até ser
  pago.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Emitir um boleto de depósito e vê-lo registrado
    Quando a aplicação emite um boleto de depósito de 5000 centavos com vencimento em 5 dias
    Então o boleto é emitido com status "CREATED", código de barras e linha digitável
    E o boleto passa a ter status "REGISTERED"

  Cenário: Cancelar um boleto emitido
    Quando a aplicação emite um boleto de depósito de 3000 centavos com vencimento em 5 dias
    E a aplicação cancela o boleto
    Então o boleto passa a ter status "CANCELLED"

  Cenário: Os limites de boleto da conta são publicados
    Quando a aplicação lê seus limites de boleto
    Então os limites dão um valor mínimo e um máximo em centavos
