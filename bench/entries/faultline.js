// Faultline, errors only, as a page would import it.
import { init, captureException, captureMessage, addBreadcrumb, flush, ready, getStats } from '../../esm/index.js';

window.SDK = { name: 'faultline', init, captureException, captureMessage, addBreadcrumb, flush, ready, getStats };
