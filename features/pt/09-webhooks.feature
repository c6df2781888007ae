# language: pt
@stage-5 @webhooks
Funcionalidade: Webhooks
  A Stone avisa toda mudança de estado por webhook: um JWE cifrado para a
  chave pública da aplicação, contendo um JWS assinado pela Stone. A
  aplicação o decifra, confere a assinatura com as chaves publicadas da
  Stone e ignora uma entrega que já viu. Para entrar em produção, a
  aplicação precisa tratar todo webhook das funcionalidades que usa.

  Cada cenário leva a tag da família do que o seu webhook avisa, para rodar
  exatamente quando essa família está autorizada; o webhook do
  consentimento não tem nenhuma e sempre roda, como o próprio
  consentimento.

  Contexto:
    Dado que a aplicação está autenticada
    E que a aplicação recebe webhooks

  @internal-transfers
  Cenário: Uma transferência finalizada é avisada por um webhook assinado e cifrado
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação transfere 200 centavos da sua própria conta para outra conta Stone
    Então a transferência passa a ter status "FINISHED"
    E um webhook "cash_out_internal_transfer_finished" chega para a transferência
    E a Stone lista o webhook entre os enviados à aplicação

  Cenário: Um consentimento é avisado
    Dado que o titular consentiu em compartilhar uma conta
    Então um webhook "consent_requested" chega para a conta consentida
