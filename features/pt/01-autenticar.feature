# language: pt
@stage-1 @read-only
Funcionalidade: Autenticar
  A aplicação prova quem é com uma asserção de cliente (client assertion):
  um JWT assinado com RS256 pela chave privada cuja metade pública a Stone
  guarda. O Keycloak da Stone responde com um token de acesso que dura 900
  segundos, e a aplicação o reutiliza até pouco antes de expirar, em vez de
  pedir um novo a cada chamada.

  Cenário: Obter um token de acesso com uma asserção de cliente assinada
    Quando a aplicação solicita um token de acesso com uma asserção de cliente assinada
    Então ela recebe um token de acesso bearer válido por 900 segundos
    E o token de acesso é reutilizado nas próximas chamadas à API

  Cenário: Uma asserção assinada por outra chave é recusada
    Quando a aplicação solicita um token de acesso com uma asserção assinada por outra chave
    Então o pedido de token é recusado com status 401
