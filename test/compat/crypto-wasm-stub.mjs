// Stands in for @matrix-org/matrix-sdk-crypto-wasm in sdk-crypto-entry.mjs's bundle: the request
// classes OutgoingRequestProcessor tells apart with instanceof, without loading the wasm module.
// A request is `{ id, body }` with `body` the JSON text, as the real classes carry it.
class OutgoingRequest {
  constructor(id, body) {
    this.id = id;
    this.body = body;
  }
}
export class KeysBackupRequest extends OutgoingRequest {}
export class KeysClaimRequest extends OutgoingRequest {}
export class KeysQueryRequest extends OutgoingRequest {}
export class KeysUploadRequest extends OutgoingRequest {}
export class PutDehydratedDeviceRequest extends OutgoingRequest {}
export class RoomMessageRequest extends OutgoingRequest {}
export class SignatureUploadRequest extends OutgoingRequest {}
export class ToDeviceRequest extends OutgoingRequest {}
export class UploadSigningKeysRequest extends OutgoingRequest {}
