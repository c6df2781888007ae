# language: pt
@stage-4 @signups
Funcionalidade: Abertura de conta
  A aplicação abre contas de pagamento da Stone para os seus usuários: o
  pedido viaja como um JWE cifrado para a chave da Stone, que o aceita na
  hora e o analisa (KYC) antes de a conta existir. Cada passo é avisado
  por webhook.

  Contexto:
    Dado que a aplicação está autenticada

  Cenário: Pedir uma conta de pagamento para uma pessoa
    Quando a aplicação solicita uma nova conta de pagamento para uma pessoa
    Então a Stone aceita o pedido de abertura de conta, enviado cifrado para a chave dela
    E a abertura de conta tem status "created"

  @simulator-only
  Cenário: A análise abre a conta, avisada por webhook
    Dado que a aplicação recebe webhooks
    Quando a aplicação solicita uma nova conta de pagamento para uma pessoa
    Então um webhook "sign_up_created" chega para a abertura de conta
    Quando a análise da Stone leva a abertura de conta para "kyc_analysis"
    Então a abertura de conta tem status "kyc_analysis"
    Quando a análise da Stone leva a abertura de conta para "finished"
    Então a abertura de conta tem status "finished"
    E um webhook "sign_up_status_updated" chega para a abertura de conta
    E um webhook "sign_up_resource_details_updated" chega para a abertura de conta

  @simulator-only
  Cenário: A análise recusa a conta
    Quando a aplicação solicita uma nova conta de pagamento para uma pessoa
    E a análise da Stone leva a abertura de conta para "failed"
    Então a abertura de conta tem status "failed"
