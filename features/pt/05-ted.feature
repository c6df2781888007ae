# language: pt
@stage-4 @ted
Funcionalidade: TED para outros bancos
  Transferências externas (TED) saem da Stone para uma conta em outro
  banco. A Stone valida o destino (instituição por ISPB ou número do banco,
  conta e agência, o documento do titular), recusa uma TED para uma conta
  Stone e, fora da janela da TED, passa a transferência para o próximo dia
  útil.

  Contexto:
    Dado que a aplicação está autenticada
    E que a conta própria da aplicação é conhecida

  Cenário: Uma TED para outro banco é aceita
    Quando a aplicação envia uma TED de 2500 centavos da sua própria conta para a conta bancária das fixtures
    Então a TED é aceita para hoje ou para o próximo dia útil
    E a instituição de destino da TED é identificada pelo nome

  Cenário: Uma TED agendada pode ser cancelada
    Quando a aplicação agenda uma TED de 1200 centavos para a conta bancária das fixtures no próximo dia útil
    Então a TED é aceita com status "SCHEDULED"
    Quando a aplicação cancela a TED
    Então a TED tem status "CANCELLED"

  Cenário: Uma TED para uma conta Stone é recusada
    Quando a aplicação envia uma TED de 1000 centavos da sua própria conta para uma conta Stone
    Então a requisição é recusada com status 422

  Cenário: Uma TED para uma instituição desconhecida é recusada
    Quando a aplicação envia uma TED de 1000 centavos da sua própria conta para a instituição "99999999"
    Então a requisição é recusada com status 422 e erro "srn:error:target_institution_not_found"
