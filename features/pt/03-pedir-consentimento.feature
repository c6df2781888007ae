# language: pt
@stage-3
Funcionalidade: Pedir o consentimento do titular da conta
  Para operar a conta de outra pessoa, a aplicação envia o titular à página
  de consentimento da Stone com um JWT de consentimento assinado. O titular
  aprova, a Stone o manda de volta à URI de redirecionamento registrada da
  aplicação com o resultado, e a conta compartilhada passa a ser visível
  para o próprio token da aplicação: não há token por usuário.

  Contexto:
    Dado que a aplicação está autenticada

  Cenário: O titular aprova o pedido de consentimento
    Dado que existe um link de consentimento para a URI de redirecionamento registrada da aplicação
    Quando o titular da conta aprova o pedido de consentimento
    Então o titular é redirecionado de volta com o resultado de consentimento "approved" e um id de recurso
    E o redirecionamento traz de volta os metadados da sessão
    E a conta consentida aparece entre as contas da aplicação
    E a aplicação consegue ler o saldo da conta consentida

  Cenário: O titular ignora um pedido de consentimento
    Dado que existe um link de consentimento para a URI de redirecionamento registrada da aplicação
    Quando o titular da conta ignora o pedido de consentimento
    Então o titular é redirecionado de volta com o resultado de consentimento "ignored" e sem id de recurso
