// Served from the "third party" origin without CORS: its errors reach the page as "Script error."
function thirdPartyWidget() { throw new Error('secret third-party detail'); }
thirdPartyWidget();
