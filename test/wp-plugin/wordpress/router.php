<?php
/**
 * Router for `php -S` serving the test WordPress (Dockhand e2e only).
 *
 * The shop's WooCommerce REST API (/wp-json/wc/*) is forwarded to the WooCommerce simulator given
 * in DOCKHAND_E2E_WC_API, so the hub reaches "the shop" at the site's own URL, as in production.
 * Everything else is WordPress: real files as they are, other paths through index.php (pretty permalinks).
 *
 * @package DockhandTest
 */

$dockhand_path = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
$dockhand_sim  = getenv( 'DOCKHAND_E2E_WC_API' );

if ( $dockhand_sim && 0 === strpos( $dockhand_path, '/wp-json/wc/' ) ) {
	$headers = array();
	foreach ( getallheaders() as $name => $value ) {
		if ( ! in_array( strtolower( $name ), array( 'host', 'content-length', 'connection' ), true ) ) {
			$headers[] = $name . ': ' . $value;
		}
	}
	$curl = curl_init( rtrim( $dockhand_sim, '/' ) . $_SERVER['REQUEST_URI'] );
	curl_setopt_array(
		$curl,
		array(
			CURLOPT_CUSTOMREQUEST  => $_SERVER['REQUEST_METHOD'],
			CURLOPT_HTTPHEADER     => $headers,
			CURLOPT_POSTFIELDS     => in_array( $_SERVER['REQUEST_METHOD'], array( 'GET', 'HEAD' ), true ) ? null : file_get_contents( 'php://input' ),
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_TIMEOUT        => 60,
			CURLOPT_HEADERFUNCTION => static function ( $curl, $line ) {
				$trimmed = trim( $line );
				if ( '' !== $trimmed && false !== strpos( $trimmed, ':' ) && ! preg_match( '/^(transfer-encoding|connection|content-length|content-encoding):/i', $trimmed ) ) {
					header( $trimmed, false );
				}
				return strlen( $line );
			},
		)
	);
	$body = curl_exec( $curl );
	if ( false === $body ) {
		http_response_code( 502 );
		echo 'stand-in proxy: ' . curl_error( $curl );
		return true;
	}
	http_response_code( (int) curl_getinfo( $curl, CURLINFO_RESPONSE_CODE ) );
	echo $body; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
	return true;
}

$dockhand_file = $_SERVER['DOCUMENT_ROOT'] . $dockhand_path;
if ( '/' !== $dockhand_path && ( is_file( $dockhand_file ) || is_file( rtrim( $dockhand_file, '/' ) . '/index.php' ) ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
