<?php
/**
 * Static PHP 7.4 compatibility scan of the plugin (the machines and CI only have PHP 8.x, so
 * `php -l` there can't catch 8.0+ syntax). Uses PHP's own tokenizer and reports, per file and
 * line, the PHP 8.0+ syntax and functions a 7.4 parser or runtime would reject.
 *
 * Usage: php php74-compat.php <file.php>... ; prints one "file:line: finding" per line, exits 1
 * when anything is found.
 *
 * @package DockhandTest
 */

if ( 'cli' !== PHP_SAPI ) {
	exit( 2 );
}

/** Functions, classes and interfaces that first appeared in PHP 8.0–8.4 (lower-case). */
$dockhand_new_functions = array(
	'str_contains', 'str_starts_with', 'str_ends_with', 'get_debug_type', 'get_resource_id', 'fdiv',
	'preg_last_error_msg', 'array_is_list', 'enum_exists', 'array_find', 'array_find_key', 'array_any',
	'array_all', 'json_validate', 'mb_str_pad', 'str_increment', 'str_decrement', 'mb_trim',
	'mb_ltrim', 'mb_rtrim', 'mb_ucfirst', 'mb_lcfirst', 'memory_reset_peak_usage', 'ini_parse_quantity',
	'stream_context_set_options', 'iterator_apply',
);
$dockhand_new_classes   = array( 'stringable', 'valueerror', 'unhandledmatcherror', 'weakmap', 'phptoken', 'attribute', 'returntypewillchange', 'allowdynamicproperties', 'sensitiveparameter', 'override', 'randomizer' );
$dockhand_new_types     = array( 'mixed', 'never', 'null', 'false', 'true' );

$dockhand_status = 0;
foreach ( array_slice( $argv, 1 ) as $dockhand_file ) {
	$dockhand_tokens = array_values(
		array_filter(
			token_get_all( (string) file_get_contents( $dockhand_file ) ),
			static function ( $t ) {
				return ! is_array( $t ) || ! in_array( $t[0], array( T_WHITESPACE, T_COMMENT, T_DOC_COMMENT ), true );
			}
		)
	);
	$dockhand_line  = 1;
	$dockhand_found = array();
	$dockhand_n     = count( $dockhand_tokens );
	$dockhand_text  = static function ( $t ) {
		return is_array( $t ) ? $t[1] : $t;
	};
	// Parenthesis stack: what each open "(" belongs to ('call', 'params', 'other').
	$dockhand_parens = array();
	// Index of the ")" that last closed a parameter list (a return type may follow it).
	$dockhand_params_closed_at = -10;
	for ( $i = 0; $i < $dockhand_n; $i++ ) {
		$t    = $dockhand_tokens[ $i ];
		$prev = $i > 0 ? $dockhand_tokens[ $i - 1 ] : null;
		$next = $i + 1 < $dockhand_n ? $dockhand_tokens[ $i + 1 ] : null;
		if ( is_array( $t ) ) {
			$dockhand_line = $t[2];
		}
		$add = static function ( $what ) use ( &$dockhand_found, &$dockhand_line ) {
			$dockhand_found[] = array( $dockhand_line, $what );
		};
		$id = is_array( $t ) ? $t[0] : null;
		$lc = strtolower( $dockhand_text( $t ) );

		if ( T_MATCH === $id ) {
			$add( 'match expression (PHP 8.0)' );
		} elseif ( T_NULLSAFE_OBJECT_OPERATOR === $id ) {
			$add( 'nullsafe operator ?-> (PHP 8.0)' );
		} elseif ( T_ATTRIBUTE === $id ) {
			$add( 'attribute #[...] (PHP 8.0)' );
		} elseif ( T_ENUM === $id ) {
			$add( 'enum (PHP 8.1)' );
		} elseif ( T_READONLY === $id ) {
			$add( 'readonly (PHP 8.1)' );
		} elseif ( T_NAME_QUALIFIED === $id || T_NAME_FULLY_QUALIFIED === $id || T_NAME_RELATIVE === $id ) {
			// Namespaced names are one token from 8.0 on; fine in 7.4 (several tokens there).
			$base = strtolower( ltrim( (string) strrchr( '\\' . $t[1], '\\' ), '\\' ) );
			if ( in_array( $base, $dockhand_new_classes, true ) ) {
				$add( "class {$base} (PHP 8.0+)" );
			}
			if ( '(' === $next && in_array( $base, $dockhand_new_functions, true ) ) {
				$add( "function {$base}() (PHP 8.0+)" );
			}
		} elseif ( T_STRING === $id ) {
			$is_call = '(' === $next && ! ( is_array( $prev ) && in_array( $prev[0], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW ), true ) );
			if ( $is_call && in_array( $lc, $dockhand_new_functions, true ) ) {
				$add( "function {$lc}() (PHP 8.0+)" );
			}
			if ( in_array( $lc, $dockhand_new_classes, true ) && ! ( is_array( $prev ) && in_array( $prev[0], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON ), true ) ) ) {
				$add( "class {$lc} (PHP 8.0+)" );
			}
			// Named argument: an identifier followed by ':' (not '::') right inside a call's parentheses.
			if ( ':' === $next && ( '(' === $prev || ',' === $prev ) && 'call' === end( $dockhand_parens ) ) {
				$add( "named argument {$t[1]}: (PHP 8.0)" );
			}
			// Type declarations only 8.0+ knows, in parameter lists or after ':' of a return type.
			$in_params   = 'params' === end( $dockhand_parens ) && ( is_array( $next ) && T_VARIABLE === $next[0] || '|' === $next );
			$return_type = ':' === $prev && $i - 2 === $dockhand_params_closed_at;
			if ( in_array( $lc, $dockhand_new_types, true ) && ( $in_params || $return_type ) ) {
				$add( "type {$lc} (PHP 8.0+)" );
			}
		} elseif ( T_VARIABLE === $id && T_DOUBLE_COLON === ( is_array( $next ) ? $next[0] : null ) ) {
			$after = $i + 2 < $dockhand_n ? $dockhand_tokens[ $i + 2 ] : null;
			if ( is_array( $after ) && T_CLASS === $after[0] ) {
				$add( '$object::class (PHP 8.0)' );
			}
		} elseif ( T_CATCH === $id ) {
			// catch (Exception) without a variable.
			for ( $j = $i + 2; $j < $dockhand_n && ')' !== $dockhand_tokens[ $j ]; $j++ ) {
				if ( is_array( $dockhand_tokens[ $j ] ) && T_VARIABLE === $dockhand_tokens[ $j ][0] ) {
					break;
				}
			}
			if ( $j < $dockhand_n && ')' === $dockhand_tokens[ $j ] ) {
				$add( 'catch without a variable (PHP 8.0)' );
			}
		} elseif ( T_THROW === $id && is_string( $prev ) && in_array( $prev, array( '?', ':', '=', '(', ',' ), true ) || T_THROW === $id && is_array( $prev ) && in_array( $prev[0], array( T_COALESCE, T_DOUBLE_ARROW, T_LOGICAL_OR, T_LOGICAL_AND, T_BOOLEAN_OR, T_BOOLEAN_AND ), true ) ) {
			$add( 'throw as an expression (PHP 8.0)' );
		} elseif ( T_ELLIPSIS === $id && '(' === $prev && ')' === $next ) {
			$add( 'first-class callable syntax f(...) (PHP 8.1)' );
		} elseif ( in_array( $id, array( T_PUBLIC, T_PROTECTED, T_PRIVATE ), true ) && 'params' === end( $dockhand_parens ) ) {
			$add( 'constructor property promotion (PHP 8.0)' );
		} elseif ( '|' === $t && 'params' === end( $dockhand_parens ) && ( is_array( $next ) && in_array( $next[0], array( T_STRING, T_ARRAY, T_CALLABLE, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED ), true ) ) && ( is_array( $prev ) && in_array( $prev[0], array( T_STRING, T_ARRAY, T_CALLABLE, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED ), true ) ) ) {
			$add( 'union type (PHP 8.0)' );
		} elseif ( T_STATIC === $id && ':' === $prev && $i - 2 === $dockhand_params_closed_at ) {
			$add( 'static return type (PHP 8.0)' );
		} elseif ( '|' === $t && $i - 3 === $dockhand_params_closed_at && ':' === $dockhand_tokens[ $i - 2 ] ) {
			$add( 'union return type (PHP 8.0)' );
		} elseif ( T_NEW === $id && 'params' === end( $dockhand_parens ) ) {
			$add( 'new in an initializer (PHP 8.1)' );
		} elseif ( ')' === $t && ',' === $prev && 'params' === end( $dockhand_parens ) ) {
			$add( 'trailing comma in a parameter list (PHP 8.0)' );
		}

		// Track parentheses: a parameter list follows "function name" / "function" / "fn".
		if ( '(' === $t ) {
			$kind = 'other';
			$p1   = $prev;
			$p2   = $i > 1 ? $dockhand_tokens[ $i - 2 ] : null;
			if ( is_array( $p1 ) && in_array( $p1[0], array( T_FUNCTION, T_FN ), true ) || is_array( $p1 ) && T_STRING === $p1[0] && is_array( $p2 ) && T_FUNCTION === $p2[0] || '&' === $p1 && is_array( $p2 ) && T_FUNCTION === $p2[0] ) {
				$kind = 'params';
			} elseif ( is_array( $p1 ) && in_array( $p1[0], array( T_STRING, T_VARIABLE, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED, T_STATIC ), true ) || ')' === $p1 || ']' === $p1 ) {
				$kind = 'call';
			}
			$dockhand_parens[] = $kind;
		} elseif ( ')' === $t ) {
			if ( 'params' === array_pop( $dockhand_parens ) ) {
				$dockhand_params_closed_at = $i;
			}
		}
	}
	foreach ( $dockhand_found as $f ) {
		echo $dockhand_file . ':' . $f[0] . ': ' . $f[1] . "\n";
		$dockhand_status = 1;
	}
}
exit( $dockhand_status );
