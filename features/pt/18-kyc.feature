# language: pt
@stage-4 @kyc
Funcionalidade: KYC do usuário de uma conta nova
  A API de KYC da Stone (uma alfa, para casos especiais) deixa a aplicação
  responder o que a análise da Stone precisa saber sobre o usuário de uma
  abertura de conta: as verificações pendentes são lidas, as fotos do
  documento e uma selfie vão para a URL de armazenamento que a Stone
  fornece, e cada verificação é respondida.

  Contexto:
    Dado que a aplicação está autenticada

  Cenário: O usuário de uma abertura de conta responde o KYC
    Quando a aplicação solicita uma nova conta de pagamento para uma pessoa
    E a aplicação lê o KYC do usuário da abertura de conta
    Então o KYC pede cada informação de que precisa
    Quando a aplicação envia as fotos do documento do usuário e uma selfie
    Então as fotos são enviadas para onde o armazenamento da Stone indicou
    Quando a aplicação responde a cada verificação do KYC
    Então o KYC está respondido
