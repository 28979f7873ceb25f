/**
 * Certicom-format test certificate bundles, one per suite, as published in zsmartsystems'
 * CerticomCbkeCertificateTest (test credentials of the Certicom test CA, the CA of the SE Annex vectors).
 * `text` is the bundle as labs receive it; the other fields are its values.
 */
export interface CerticomBundle {
  text: string;
  ca: string;
  cert: string;
  privateKey: string;
  publicKey: string;
}

function bundle(ca: string, cert: string, privateKey: string, publicKey: string): CerticomBundle {
  return {
    text: `CA Pub Key:\n${ca}\nDevice Implicit Cert:\n${cert}\nPrivate Key Reconstruction Data:\n${privateKey}\nDevice Public Key:\n${publicKey}\n`,
    ca,
    cert,
    privateKey,
    publicKey,
  };
}

export const CERTICOM_SUITE1 = bundle(
  "0200fde8a7f3d1084224962a4e7c54e69ac3f04da6b8",
  "02020882b1d7df05538f37cdd09a4f6b15368998642b002208000000000154455354534543410109108301234567890a",
  "0392ba4afc2453a49eebe9bca8de73210f02479a4a",
  "0207d1ca014786b5e552cfd5f04339a2e856f00eaaef",
);

export const CERTICOM_SUITE2 = bundle(
  "0207a445022d9f39f49bdc38380026a27a9e0a1799313ab28c5c1a1c6b605154db1dff6752",
  "000b3ad5a312ab75d60d081112131415161718005b7ed230ffffffff0022080000000001080205bb3d1d1576197ff9ab6563915019a130437adb0ee7915432dc4a09c97dc595c5856800",
  "00997097b87684f62f555173c47be89935fbf6440ae292492b54c5829a0d541f4d26e254",
  "02012f082ee7db1bd3f89f16eabbf5d6221a5dcd077fc0c9d37b329eee8e2cdaee03439de0",
);
