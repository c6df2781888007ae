# language: pt
@stage-4 @pix
Funcionalidade: PIX
  Um pagamento PIX é feito em dois passos: a aplicação o cria (a Stone
  responde com o identificador fim a fim e o documento mascarado do
  destinatário) e depois o confirma; ele então passa por CONFIRMED,
  MONEY_RESERVED e SETTLED. A aplicação também gerencia as chaves PIX da
  sua conta.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Pagar uma chave PIX em dois passos
    Quando a aplicação cria um pagamento PIX de 1000 centavos para a chave PIX das fixtures
    Então o pagamento PIX é criado com status "CREATED" e um identificador fim a fim
    E o documento do destinatário do pagamento PIX está mascarado
    Quando a aplicação confirma o pagamento PIX
    Então o pagamento PIX passa a ter status "SETTLED"
    E o extrato mostra o pagamento PIX como um débito de 1000 centavos

  Cenário: Pagar um BR Code estático
    Quando a aplicação lê o BR Code estático das fixtures
    Então o BR Code é estático e indica uma chave PIX
    Quando a aplicação cria um pagamento PIX de 1500 centavos para o BR Code
    E a aplicação confirma o pagamento PIX
    Então o pagamento PIX passa a ter status "SETTLED"

  Cenário: Um pagamento PIX maior que o saldo falha
    Quando a aplicação cria um pagamento PIX de mais que seu saldo para a chave PIX das fixtures
    E a aplicação confirma o pagamento PIX
    Então o pagamento PIX passa a ter status "FAILED"

  Cenário: Registrar e remover uma chave PIX aleatória
    Quando a aplicação registra uma chave PIX aleatória para sua própria conta
    Então a chave PIX aparece na lista da conta
    Quando a aplicação exclui a chave PIX
    Então a chave PIX não aparece mais na lista da conta
