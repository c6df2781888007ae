# language: pt
@stage-6 @webhooks-partner
Funcionalidade: O receptor de webhooks do parceiro
  Para entrar em produção, a aplicação precisa receber e tratar
  corretamente todo webhook das funcionalidades que usa (stone-api.md §7).
  Aqui o homolog age como a Stone diante do endpoint do próprio parceiro
  (webhooks.partner_url), para cada tipo de evento que esta execução
  recebeu: a entrega que a Stone faz (um JWE para a chave do parceiro com
  um JWS assinado pela chave Stone de teste do homolog, em que o receptor
  confia para o teste) precisa ser respondida com 2xx em até 10 segundos,
  e de novo quando o mesmo evento volta, como fazem as novas tentativas da
  Stone; entregas que a Stone nunca faz precisam ser recusadas. A
  funcionalidade só roda quando webhooks.partner_url está definido, depois
  de todos os cenários anteriores.

  Contexto:
    Dado que o receptor de webhooks do parceiro está configurado

  Cenário: O receptor do parceiro aceita cada webhook que a Stone envia, e o mesmo evento de novo
    Quando o homolog entrega ao receptor do parceiro um webhook de cada tipo que esta execução recebeu como a Stone faz
    Então o receptor do parceiro responde 2xx a cada um deles em até 10 segundos
    Quando o homolog entrega os mesmos eventos de novo
    Então o receptor do parceiro responde 2xx a cada um deles em até 10 segundos

  Cenário: O receptor do parceiro recusa uma entrega assinada por outra chave
    Quando o homolog entrega ao receptor do parceiro um webhook de cada tipo que esta execução recebeu assinado por uma chave que não é da Stone
    Então o receptor do parceiro recusa cada um deles

  Cenário: O receptor do parceiro recusa uma entrega cifrada para outra chave
    Quando o homolog entrega ao receptor do parceiro um webhook de cada tipo que esta execução recebeu cifrado para uma chave que não é a do parceiro
    Então o receptor do parceiro recusa cada um deles

  Cenário: O receptor do parceiro recusa o que não é uma entrega da Stone
    Quando o homolog entrega ao receptor do parceiro um webhook de cada tipo que esta execução recebeu como um corpo que não é uma entrega da Stone
    Então o receptor do parceiro recusa cada um deles
