# language: pt
@stage-4 @topups
Funcionalidade: Recargas
  A aplicação vende recargas — crédito de celular, jogos, conteúdo digital,
  TV e transporte — com o saldo da sua conta. Uma simulação confere uma
  recarga; uma execução é protegida pelo PIN do titular: a Stone primeiro o
  pede (403 challenge_required) e a mesma requisição enviada de novo com o
  PIN, cifrado para a chave da Stone, é executada, com um comprovante e,
  para o que se resgata no site do fornecedor, um código PIN.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Os fornecedores de cada produto são listados
    Quando a aplicação lista os fornecedores de recarga de jogos
    Então os fornecedores aparecem com ids numéricos
    Quando a aplicação lista os fornecedores de recarga de conteúdo digital
    Então os fornecedores aparecem com ids numéricos
    Quando a aplicação lista os fornecedores de recarga de TV
    Então os fornecedores aparecem com ids numéricos
    Quando a aplicação lista os fornecedores de recarga de transporte
    Então os fornecedores aparecem com ids numéricos
    Quando a aplicação consulta a operadora do número de celular da documentação
    Então os fornecedores aparecem com ids numéricos

  Cenário: Uma recarga de celular conferida por simulação
    Quando a aplicação simula uma recarga de celular do fornecedor "2088"
    Então a simulação da recarga é aceita, repetindo o pedido

  Cenário: Uma recarga de jogo responde ao desafio de PIN do titular e dá um código PIN
    Quando a aplicação faz uma recarga de jogos do fornecedor "2147" respondendo ao desafio de PIN do titular
    Então a Stone pediu o PIN do titular antes de executá-la
    E a recarga é executada com um comprovante e um código PIN

  Cenário: Uma recarga de celular não dá código PIN
    Quando a aplicação faz uma recarga de celular do fornecedor "2088" respondendo ao desafio de PIN do titular
    Então a Stone pediu o PIN do titular antes de executá-la
    E a recarga é executada com um comprovante e sem código PIN

  Cenário: Uma recarga de TV dá um código PIN vazio
    Quando a aplicação faz uma recarga de TV do fornecedor "2126" respondendo ao desafio de PIN do titular
    Então a recarga é executada com um comprovante e um código PIN vazio

  Cenário: Um PIN errado é recusado
    Quando a aplicação faz uma recarga de jogos do fornecedor "2151" respondendo ao desafio com um PIN errado
    Então a requisição é recusada com status 403
