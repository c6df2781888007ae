# language: pt
@stage-2 @read-only
Funcionalidade: Ler a conta
  Com o token de acesso, a aplicação lista as contas que pode operar, lê a
  própria conta e o saldo, e percorre o extrato página a página com o
  cursor que a Stone devolve. Contas que ninguém compartilhou com ela
  continuam ocultas.

  Contexto:
    Dado que a aplicação está autenticada

  Cenário: Listar as contas que a aplicação pode operar
    Quando a aplicação lista suas contas
    Então a lista contém a conta própria da aplicação

  Cenário: Ler a própria conta e o saldo
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação lê a conta
    E a aplicação lê o saldo da conta
    Então a conta é a que foi listada
    E o saldo é um valor não negativo em centavos

  Cenário: Ler o extrato página a página
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação lê o extrato 10 lançamentos por vez até a última página
    Então o extrato tem mais de uma página
    E cada lançamento do extrato aparece exatamente uma vez
    E cada lançamento do extrato tem balance_after igual a balance_before mais amount
    E cada lançamento do extrato começa no saldo em que o lançamento anterior terminou

  Cenário: Ler as tarifas da conta e as instituições para as quais ela pode enviar
    Dado que a conta própria da aplicação é conhecida
    Quando a aplicação lê as tarifas da conta
    Então a tarifa de "internal_transfer" é dada em centavos
    Quando a aplicação lista as instituições
    Então a Stone está entre elas com ISPB "16501555" e número de banco "197"

  Cenário: Uma conta que não foi compartilhada é recusada
    Quando a aplicação lê uma conta que ninguém compartilhou com ela
    Então a requisição é recusada com status 403 e erro "srn:error:unauthorized"
