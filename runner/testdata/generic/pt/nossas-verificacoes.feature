# language: pt
@generic
Funcionalidade: Nossas próprias verificações
  Verificações de um time escritas só com os passos genéricos: sem Go.

  Cenário: Ler o saldo
    Quando a aplicação chama GET "/api/v1/accounts/{own_account_id}/balance"
    Então o status da resposta é 200
    E o campo "balance" da resposta é um número
    E o campo "blocked_balance" da resposta é 0

  Cenário: Listar as contas e ler a primeira
    Quando a aplicação chama GET "/api/v1/accounts"
    Então o status da resposta é 200
    E o campo "data" da resposta tem pelo menos 1 item
    E o campo "data[0].id" da resposta é um texto
    Quando a aplicação guarda o campo "data[0].id" da resposta como "primeira_conta"
    E a aplicação chama GET "/accounts/{primeira_conta}"
    Então o status da resposta é 200
    E o campo "id" da resposta é "{primeira_conta}"

  Cenário: Simular uma transferência
    Quando a aplicação chama POST "/api/v1/dry_run/internal_transfers" com o corpo:
      """
      {"account_id": "{own_account_id}", "amount": 150, "target": {"account": {"account_code": "{transfer_target}"}}}
      """
    Então o status da resposta é 200
    E o campo "amount" da resposta é 150

  Cenário: Transferir e esperar até finalizar
    Quando a aplicação chama POST "/api/v1/internal_transfers" com uma chave de idempotência e o corpo:
      """
      {"account_id": "{own_account_id}", "amount": 250, "target": {"account": {"account_code": "{transfer_target}"}}, "description": "nossa verificação"}
      """
    Então o status da resposta é 202
    E o campo "amount" da resposta é 250
    E o campo "status" da resposta é "APPROVED"
    Quando a aplicação guarda o campo "id" da resposta como "id_da_transferencia"
    Então em até 30 segundos GET "/api/v1/internal_transfers/{id_da_transferencia}" tem o campo "status" igual a "FINISHED"

  Cenário: Uma conta que ninguém compartilhou é recusada
    Quando a aplicação chama GET "/api/v1/accounts/00000000-0000-0000-0000-000000000000"
    Então o status da resposta é 403
    E o campo "type" da resposta é "srn:error:unauthorized"
    E o campo "type" da resposta é um texto
