// IANA names of the TLS code points a session-cache trace shows (RFC 8446, RFC 5246, RFC 8447).

export const CONTENT_TYPES: Record<number, string> = {
  20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data',
};

export const HANDSHAKE_TYPES: Record<number, string> = {
  0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 4: 'NewSessionTicket', 5: 'EndOfEarlyData',
  8: 'EncryptedExtensions', 11: 'Certificate', 12: 'ServerKeyExchange', 13: 'CertificateRequest',
  14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange', 20: 'Finished',
  24: 'KeyUpdate', 254: 'message_hash',
};

export const EXTENSIONS: Record<number, string> = {
  0: 'server_name', 5: 'status_request', 10: 'supported_groups', 11: 'ec_point_formats',
  13: 'signature_algorithms', 16: 'application_layer_protocol_negotiation', 22: 'encrypt_then_mac',
  23: 'extended_master_secret', 35: 'session_ticket', 41: 'pre_shared_key', 42: 'early_data',
  43: 'supported_versions', 44: 'cookie', 45: 'psk_key_exchange_modes', 49: 'post_handshake_auth',
  50: 'signature_algorithms_cert', 51: 'key_share', 65281: 'renegotiation_info',
};

export const CIPHER_SUITES: Record<number, string> = {
  0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0xc02b: 'ECDHE-ECDSA-AES128-GCM-SHA256', 0xc02c: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  0xc02f: 'ECDHE-RSA-AES128-GCM-SHA256', 0xc030: 'ECDHE-RSA-AES256-GCM-SHA384',
  0xcca8: 'ECDHE-RSA-CHACHA20-POLY1305', 0xcca9: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  0x009e: 'DHE-RSA-AES128-GCM-SHA256', 0x009f: 'DHE-RSA-AES256-GCM-SHA384', 0xccaa: 'DHE-RSA-CHACHA20-POLY1305',
  0xc009: 'ECDHE-ECDSA-AES128-SHA', 0xc00a: 'ECDHE-ECDSA-AES256-SHA', 0xc013: 'ECDHE-RSA-AES128-SHA',
  0xc014: 'ECDHE-RSA-AES256-SHA', 0x009c: 'AES128-GCM-SHA256', 0x009d: 'AES256-GCM-SHA384',
  0x002f: 'AES128-SHA', 0x0035: 'AES256-SHA', 0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
};

export const GROUPS: Record<number, string> = {
  0x0017: 'secp256r1', 0x0018: 'secp384r1', 0x0019: 'secp521r1', 0x001d: 'x25519', 0x001e: 'x448',
  0x0100: 'ffdhe2048', 0x0101: 'ffdhe3072', 0x11ec: 'X25519MLKEM768', 0x0200: 'MLKEM512', 0x0201: 'MLKEM768', 0x0202: 'MLKEM1024',
  0x11eb: 'SecP256r1MLKEM768', 0x11ed: 'SecP384r1MLKEM1024',
};

export const VERSIONS: Record<number, string> = {
  0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3',
};

export const ALERTS: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 47: 'illegal_parameter', 48: 'unknown_ca', 50: 'decode_error', 51: 'decrypt_error', 70: 'protocol_version',
  80: 'internal_error', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension', 110: 'unsupported_extension', 116: 'certificate_required',
};

export const name = (table: Record<number, string>, code: number) =>
  table[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
