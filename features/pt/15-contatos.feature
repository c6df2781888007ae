# language: pt
@stage-4 @contacts
Funcionalidade: Contatos
  A aplicação mantém os contatos da conta: as pessoas e empresas a quem
  paga, cada uma com contas bancárias ou chaves PIX. Um contato é criado,
  encontrado, alterado (o contato inteiro é enviado de novo) e excluído;
  assim também as suas contas bancárias.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Criar um contato, encontrá-lo, alterá-lo e excluí-lo
    Quando a aplicação cria um contato
    Então o contato é salvo como enviado
    E o contato aparece entre os contatos da conta
    E o contato é encontrado pelo seu documento
    Quando a aplicação altera o e-mail do contato
    Então o contato é salvo como enviado
    Quando a aplicação exclui o contato
    Então o contato não aparece mais entre os contatos da conta

  Cenário: As contas bancárias de um contato
    Quando a aplicação cria um contato
    E a aplicação adiciona a conta bancária das fixtures ao contato
    Então a conta bancária é salva como enviada
    E o contato mostra a conta bancária
    E o contato é encontrado pelo seu código de conta
    Quando a aplicação troca a conta bancária do contato pela chave PIX das fixtures
    Então a conta bancária é salva como enviada
    E o contato é encontrado pela sua chave PIX
    Quando a aplicação exclui a conta bancária do contato
    Então o contato não mostra mais a conta bancária
