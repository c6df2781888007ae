# language: pt
@stage-4 @receipts
Funcionalidade: Comprovantes
  A aplicação entrega aos usuários os comprovantes da Stone: de uma
  transferência, de um PIX ou de um extrato, depois que a operação deu
  certo, e o PDF de um boleto que ela emitiu. Cada um é um PDF que abre e
  mostra do que se trata.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: O comprovante de uma transferência finalizada
    Quando a aplicação transfere 700 centavos da sua própria conta para outra conta Stone
    Então a transferência passa a ter status "FINISHED"
    Quando a aplicação pede o comprovante da transferência
    Então o documento é um PDF que abre e mostra do que se trata

  Cenário: O comprovante de um pagamento PIX liquidado
    Quando a aplicação cria um pagamento PIX de 900 centavos para a chave PIX das fixtures
    E a aplicação confirma o pagamento PIX
    Então o pagamento PIX passa a ter status "SETTLED"
    Quando a aplicação pede o comprovante do pagamento PIX
    Então o documento é um PDF que abre e mostra do que se trata

  Cenário: Um comprovante do extrato da conta
    Quando a aplicação pede um comprovante do extrato da sua conta dos últimos 30 dias
    Então o documento é um PDF que abre e mostra do que se trata

  Cenário: O PDF de um boleto emitido
    Quando a aplicação emite um boleto de depósito de 4000 centavos com vencimento em 5 dias
    E a aplicação baixa o PDF do boleto
    Então o documento é um PDF que abre e mostra do que se trata
