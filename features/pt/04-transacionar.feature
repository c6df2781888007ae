# language: pt
@stage-4 @internal-transfers
Funcionalidade: Transacionar
  A aplicação movimenta dinheiro com transferências internas (de Stone para
  Stone). Da própria conta, uma transferência é aprovada na hora e
  finaliza; de uma conta compartilhada por consentimento, ela aguarda a
  aprovação do titular. Toda transferência leva uma chave de idempotência,
  para que uma requisição repetida nunca pague duas vezes.

  Contexto:
    Dado que a aplicação está autenticada

  Cenário: Transferência interna da própria conta finaliza
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação transfere 1500 centavos da sua própria conta para outra conta Stone
    Então a transferência é aceita com status "APPROVED"
    E a transferência passa a ter status "FINISHED"
    E o extrato mostra a transferência como um débito de 1500 centavos
    E o saldo da conta confere com o extrato

  Cenário: Transferência interna da conta consentida aguarda o titular
    Dado que o titular consentiu em compartilhar uma conta
    Quando a aplicação transfere 1000 centavos da conta consentida para outra conta Stone
    Então a transferência é aceita com status "CREATED"
    E a transferência aparece entre as operações que aguardam a aprovação do titular
    Quando o titular da conta aprova a transferência
    Então a transferência passa a ter status "FINISHED"
    E o extrato mostra a transferência como um débito de 1000 centavos

  Cenário: Uma transferência repetida com a mesma chave de idempotência é a mesma transferência
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação transfere 700 centavos da sua própria conta para outra conta Stone
    E a aplicação envia a mesma transferência de novo com a mesma chave de idempotência
    Então as duas respostas descrevem a mesma transferência
    E a transferência passa a ter status "FINISHED"
    E o extrato mostra a transferência como um débito de 700 centavos

  Cenário: Reusar uma chave de idempotência para outra transferência é recusado
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação transfere 300 centavos da sua própria conta para outra conta Stone
    E a aplicação envia uma transferência diferente com a mesma chave de idempotência
    Então a requisição é recusada com status 409 e erro "srn:error:idempotency_conflict"

  Cenário: Uma transferência interna agendada pode ser cancelada antes de rodar
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação agenda uma transferência de 400 centavos da sua própria conta para outra conta Stone no próximo dia útil
    Então a transferência é aceita com status "SCHEDULED"
    Quando a aplicação cancela a transferência
    Então a transferência tem status "CANCELLED"

  Cenário: O titular recusa uma transferência da conta consentida
    Dado que o titular consentiu em compartilhar uma conta
    Quando a aplicação transfere 900 centavos da conta consentida para outra conta Stone
    Então a transferência é aceita com status "CREATED"
    Quando o titular da conta recusa a transferência
    Então a transferência passa a ter status "REJECTED"

  Cenário: Uma transferência maior que o saldo falha sem erro HTTP
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação transfere mais que seu saldo da sua própria conta para outra conta Stone
    Então a transferência é aceita com status "APPROVED"
    E a transferência passa a ter status "FAILED" com código de motivo de falha "1"

  Cenário: A simulação de uma transferência interna não movimenta dinheiro
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação simula uma transferência de 500 centavos da sua própria conta para outra conta Stone
    Então a simulação descreve uma transferência de 500 centavos
